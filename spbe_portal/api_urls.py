"""Everything under /api/v1/: each app contributes its own views."""

from django.urls import path

from indicators import api as indicators_api

urlpatterns = [
    path("frameworks/", indicators_api.FrameworkList.as_view(), name="framework-list"),
    path(
        "frameworks/<slug:code>/", indicators_api.FrameworkDetail.as_view(), name="framework-detail"
    ),
    path("calculator/", indicators_api.Calculator.as_view(), name="calculator"),
]
