from django.urls import path

from reports.views import dashboard as views_dashboard
from reports.views import documents as views_documents
from reports.views import jobs as views_reports
from reports.views import planner as views_planner

app_name = "reports"

urlpatterns = [
    path("", views_dashboard.results_home, name="home"),
    path("<slug:instansi>/<int:year>/", views_dashboard.dashboard, name="dashboard"),
    path("<slug:instansi>/<int:year>/recompute/", views_dashboard.recompute, name="recompute"),
    path("<slug:instansi>/<int:year>/planner/", views_planner.planner, name="planner"),
    path("<slug:instansi>/<int:year>/planner/what-if/", views_planner.what_if, name="what_if"),
]

# Report jobs (PDF/Excel): request, poll, download.
urlpatterns += [
    path("reports/", views_reports.report_index, name="report_index"),
    path(
        "reports/<uuid:public_id>/download/", views_reports.report_download, name="report_download"
    ),
    path("<slug:instansi>/<int:year>/reports/", views_reports.report_list, name="report_list"),
    path("<slug:instansi>/<int:year>/reports/jobs/", views_reports.report_jobs, name="report_jobs"),
]

# Issued documents: the administrator's kop surat, numbering and signatories.
urlpatterns += [
    path(
        "<slug:instansi>/<int:year>/dokumen/",
        views_documents.document_settings,
        name="document_settings",
    ),
]
