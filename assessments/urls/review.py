from django.urls import path

from assessments.views import review as views_review

app_name = "review"

urlpatterns = [
    path("", views_review.review_queue, name="queue"),
    path("terima-massal/", views_review.review_accept_bulk, name="accept-bulk"),
    path("<uuid:public_id>/", views_review.review_detail, name="detail"),
    path(
        "<uuid:public_id>/terima/",
        views_review.review_decide,
        {"decision": "accept"},
        name="accept",
    ),
    path(
        "<uuid:public_id>/sesuaikan/",
        views_review.review_decide,
        {"decision": "adjust"},
        name="adjust",
    ),
    path(
        "<uuid:public_id>/kembalikan/",
        views_review.review_decide,
        {"decision": "return"},
        name="return",
    ),
]
