"""Assessment workflow pages, mounted at the site root."""

from django.urls import path

from assessments.views import conversation as views_conversation
from assessments.views import guideline as views_guideline
from assessments.views import officer as views_officer
from assessments.views import officer_evidence as views_evidence
from assessments.views import officer_list as views_officer_list
from assessments.views import profile as views_profile

app_name = "assessments"

urlpatterns = [
    path("indikator-saya/", views_officer_list.my_indicators, name="my_indicators"),
    path("indikator-saya/ajukan-semua/", views_officer.answers_submit_all, name="submit_all"),
    path("jawaban/<uuid:public_id>/", views_officer.answer_detail, name="answer_detail"),
    path("jawaban/<uuid:public_id>/ajukan/", views_officer.answer_submit, name="answer_submit"),
    path("jawaban/<uuid:public_id>/tarik/", views_officer.answer_withdraw, name="answer_withdraw"),
    path(
        "jawaban/<uuid:public_id>/tanggapan/",
        views_conversation.answer_reply,
        name="answer_reply",
    ),
    path(
        "jawaban/<uuid:public_id>/data-dukung/",
        views_evidence.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "jawaban/<uuid:public_id>/tautan/",
        views_evidence.evidence_link_add,
        name="evidence_link_add",
    ),
    path(
        "data-dukung/<uuid:public_id>/unduh/",
        views_evidence.evidence_download,
        name="evidence_download",
    ),
    path(
        "data-dukung/<uuid:public_id>/tarik/",
        views_evidence.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path(
        "tautan/<uuid:public_id>/tarik/",
        views_evidence.evidence_link_withdraw,
        name="evidence_link_withdraw",
    ),
    # Which of the guideline's evidence criteria a file or link proves.
    path(
        "data-dukung/<uuid:public_id>/kriteria/", views_guideline.evidence_tag, name="evidence_tag"
    ),
    path(
        "tautan/<uuid:public_id>/kriteria/",
        views_guideline.evidence_link_tag,
        name="evidence_link_tag",
    ),
]

# The profile page with the user's API tokens.
urlpatterns += [
    path("profil/", views_profile.profile, name="profile"),
    path("profil/token/", views_profile.token_create, name="token_create"),
    path("profil/token/<int:pk>/cabut/", views_profile.token_revoke, name="token_revoke"),
]
