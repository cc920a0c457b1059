"""Public routes of issued documents (no login): the verification page."""

from django.urls import path

from reports.views import documents as views_documents

app_name = "documents"

urlpatterns = [
    path("<str:code>/", views_documents.verify, name="verify"),
]
