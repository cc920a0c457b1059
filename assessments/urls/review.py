from django.urls import path

from assessments.views import review as views_review
from assessments.views import review_queue as views_queue

app_name = "review"

urlpatterns = [
    path("", views_queue.review_queue, name="queue"),
    path("terima-massal/", views_queue.review_accept_bulk, name="accept-bulk"),
    path("kembalikan-massal/", views_queue.review_return_bulk, name="return-bulk"),
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
    path("<uuid:public_id>/buka-kembali/", views_review.review_reopen, name="reopen"),
]
