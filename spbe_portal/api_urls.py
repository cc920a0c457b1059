"""Everything under /api/v1/: each app contributes its own views."""

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from assessments.api import answers as api_answers
from assessments.api import catalogue as api_catalogue
from assessments.api import checklist as api_checklist
from assessments.api import evidence as api_evidence
from assessments.api import notifications as api_notifications
from assessments.api import review as api_review
from indicators import api as indicators_api
from reports import api as reports_api

urlpatterns = [
    path("frameworks/", indicators_api.FrameworkList.as_view(), name="framework-list"),
    path(
        "frameworks/<slug:code>/", indicators_api.FrameworkDetail.as_view(), name="framework-detail"
    ),
    path("calculator/", indicators_api.Calculator.as_view(), name="calculator"),
]

# Organisations, periods and assignments.
urlpatterns += [
    path("instansi/", api_catalogue.InstansiList.as_view(), name="instansi-list"),
    path("instansi/<slug:code>/", api_catalogue.InstansiDetail.as_view(), name="instansi-detail"),
    path("opds/", api_catalogue.OPDList.as_view(), name="opd-list"),
    path("opds/<int:pk>/", api_catalogue.OPDDetail.as_view(), name="opd-detail"),
    path("periods/", api_catalogue.PeriodList.as_view(), name="period-list"),
    path("periods/<int:pk>/", api_catalogue.PeriodDetail.as_view(), name="period-detail"),
    path(
        "periods/<int:pk>/recompute/",
        reports_api.PeriodRecompute.as_view(),
        name="period-recompute",
    ),
    path("assignments/", api_catalogue.AssignmentList.as_view(), name="assignment-list"),
]

# Answers: the officer's drafts and the reviewer's decisions.
urlpatterns += [
    path("answers/", api_answers.AnswerList.as_view(), name="answer-list"),
    path("answers/accept/", api_review.AnswersAcceptBulk.as_view(), name="answer-accept-bulk"),
    path("answers/submit/", api_answers.AnswersSubmitAll.as_view(), name="answer-submit-all"),
    path("answers/<uuid:public_id>/", api_answers.AnswerDetail.as_view(), name="answer-detail"),
    path(
        "answers/<uuid:public_id>/events/",
        api_answers.AnswerEvents.as_view(),
        name="answer-events",
    ),
    path(
        "answers/<uuid:public_id>/items/<int:item_id>/decision/",
        api_review.AnswerItemDecision.as_view(),
        name="answer-item-decision",
    ),
    path(
        "answers/<uuid:public_id>/withdraw/",
        api_answers.AnswerWithdraw.as_view(),
        name="answer-withdraw",
    ),
    path(
        "answers/<uuid:public_id>/reopen/",
        api_review.AnswerReopen.as_view(),
        name="answer-reopen",
    ),
    path(
        "answers/<uuid:public_id>/submit/",
        api_answers.AnswerSubmit.as_view(),
        name="answer-submit",
    ),
    path(
        "answers/<uuid:public_id>/accept/",
        api_review.AnswerAccept.as_view(),
        name="answer-accept",
    ),
    path(
        "answers/<uuid:public_id>/adjust/",
        api_review.AnswerAdjust.as_view(),
        name="answer-adjust",
    ),
    path(
        "answers/<uuid:public_id>/return/",
        api_review.AnswerReturn.as_view(),
        name="answer-return",
    ),
]

# Evidence files and links.
urlpatterns += [
    path("evidence/", api_evidence.EvidenceList.as_view(), name="evidence-list"),
    path(
        "evidence/<uuid:public_id>/",
        api_evidence.EvidenceDetail.as_view(),
        name="evidence-detail",
    ),
    path(
        "evidence/<uuid:public_id>/download/",
        api_evidence.EvidenceDownload.as_view(),
        name="evidence-download",
    ),
    path("evidence-links/", api_evidence.EvidenceLinkList.as_view(), name="evidence-link-list"),
    path(
        "evidence-links/<uuid:public_id>/",
        api_evidence.EvidenceLinkDetail.as_view(),
        name="evidence-link-detail",
    ),
    path(
        "answers/<uuid:public_id>/checklist/",
        api_checklist.AnswerChecklist.as_view(),
        name="answer-checklist",
    ),
    path(
        "evidence/<uuid:public_id>/criteria/",
        api_evidence.EvidenceCriteria.as_view(),
        name="evidence-criteria",
    ),
    path(
        "evidence-links/<uuid:public_id>/criteria/",
        api_evidence.EvidenceLinkCriteria.as_view(),
        name="evidence-link-criteria",
    ),
]

# The signed-in user's notifications.
urlpatterns += [
    path(
        "notifications/",
        api_notifications.NotificationList.as_view(),
        name="notification-list",
    ),
    path(
        "notifications/read/",
        api_notifications.NotificationMarkRead.as_view(),
        name="notification-read",
    ),
]

# Results and reports.
urlpatterns += [
    path("snapshots/", reports_api.SnapshotList.as_view(), name="snapshot-list"),
    path("snapshots/<int:pk>/", reports_api.SnapshotDetail.as_view(), name="snapshot-detail"),
    path("report-jobs/", reports_api.ReportJobList.as_view(), name="report-job-list"),
    path(
        "report-jobs/<uuid:public_id>/",
        reports_api.ReportJobDetail.as_view(),
        name="report-job-detail",
    ),
    path(
        "report-jobs/<uuid:public_id>/download/",
        reports_api.ReportJobDownload.as_view(),
        name="report-job-download",
    ),
]


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/v1/: the API's own 404 (JSON, common body)
    instead of the portal's HTML page. Authentication still comes first, so
    anonymous callers learn nothing about which paths exist."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()


# Last: anything else under /api/v1/ is a JSON 404, not the HTML page.
urlpatterns += [re_path(r"", NotFoundView.as_view(), name="not-found")]
