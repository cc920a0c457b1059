"""Every HTML route × every kind of visitor, GET and POST.

The routes are read from the URL resolver (recursively through includes), so
a page added to the site without a row in ROUTES fails
`test_every_route_is_in_the_table`. Each row names, per method, one outcome
per actor in ACTORS order:

    L  redirected to the login page        H  404 (may not even know it exists)
    F  403 (sees it, may not do this)       M  405 (method not accepted)
    O  served: 2xx or a redirect elsewhere  B  400/409: let in, but the input is refused

A 500 is never expected. Each request runs in its own rolled-back savepoint,
so one actor's successful POST never changes what the next one meets.

The /api/v1/ routes have their own matrix (tests/test_api_access.py); admin/
and i18n/ are Django's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments.lifecycle import answers_ensure
from assessments.models import (
    Answer,
    AnswerState,
    EvidenceFile,
    EvidenceLink,
    Membership,
    Notification,
    Role,
)
from indicators.models import EvidenceItem, LevelName
from reports.models import IssuedDocument, JobState, ReportJob
from tests.conftest import settled
from tests.factories import (
    AssignmentFactory,
    EvaluationPeriodFactory,
    FrameworkVersionFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)
from tests.pdf_samples import MINIMAL_PDF

ACTORS = (
    "anonymous",
    "officer",  # of the OPD owning the answers, evidence and report
    "other_officer",  # of another OPD of the same instansi
    "reviewer",
    "leadership",
    "administrator",
    "foreign",  # every role (and an OPD) in another instansi
)

SKIPPED_PREFIXES = ("admin/", "api/v1/", "i18n/", "static/")

# Any readable PDF will do: the evidence check parses it.
PDF = MINIMAL_PDF


# --- the routes ---------------------------------------------------------------------


def html_routes() -> dict[str, str]:
    """Qualified URL name -> route, for every pattern outside the skipped prefixes.
    An unnamed pattern is listed under its route so that it fails the table check."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                walk(entry.url_patterns, route, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"
                found.setdefault(name, route)

    walk(get_resolver().url_patterns, "", "")
    return found


@dataclass
class Route:
    get: str
    post: str
    kwargs: callable = None  # world -> reverse() kwargs
    query: callable = None  # world -> GET parameters
    data: callable = None  # world -> POST body
    note: str = ""

    def url(self, w) -> str:
        return self.kwargs(w) if self.kwargs else {}


@dataclass
class Expect:
    """Readable shorthand for one row: `everyone` applies to authenticated
    actors not named in `only`."""

    anonymous: str = "L"
    everyone: str = "O"
    only: dict = field(default_factory=dict)

    def __str__(self):
        return "".join(
            self.anonymous if a == "anonymous" else self.only.get(a, self.everyone) for a in ACTORS
        )


def row(anonymous="L", everyone="O", **only) -> str:
    return str(Expect(anonymous, everyone, only))


# Shorthands for the common shapes.
SIGNED_IN = row()  # any signed-in user
GET_ONLY = row(everyone="M")  # POST to a GET-only view
POST_ONLY = row(everyone="M")  # GET to a POST-only view
# The owning OPD's officer acts; the other OPD never sees the answer; the
# instansi-wide roles see it but may not change it; another instansi never sees it.
OWNER_ACTS = row(other_officer="H", reviewer="F", leadership="F", administrator="F", foreign="H")
OWNER_SEES = row(other_officer="H", foreign="H")
REVIEWER_ACTS = row(officer="F", other_officer="H", leadership="F", administrator="F", foreign="H")
RESULTS_READERS = row(officer="F", other_officer="F", foreign="H")
# Who may open the review page (a decision's address answers a GET with it).
REVIEW_PAGE_READERS = row(officer="F", other_officer="H", leadership="F", foreign="H")
ADMIN_ONLY = row(
    everyone="H", administrator="O"
)  # others must not learn the instansi is administrable


def answer_id(w):
    return {"public_id": w.answer.public_id}


def submitted_id(w):
    return {"public_id": w.submitted.public_id}


def period_kwargs(w):
    return {"instansi": w.instansi.code, "year": w.period.year}


def manage_kwargs(w, **extra):
    return {"code": w.instansi.code, **extra}


def answer_form(w):
    return {"level": 3, "explanation": "FAKTA: Pergub 5/2024. ANALISIS: cukup.", "version": 1}


def decision(**fields):
    return lambda w: {"version": w.submitted.version, **fields}


def password_reset_link(w):
    return {"uidb64": "MQ", "token": "bukan-token"}


ROUTES: dict[str, Route] = {
    # --- site and accounts
    "home": Route(SIGNED_IN, GET_ONLY),
    "healthz": Route(row(anonymous="O"), row(anonymous="O")),
    "readyz": Route(row(anonymous="O"), row(anonymous="O")),
    # Metrics are for the scraper's token only (tests/test_metrics.py); with
    # none configured the route does not exist for anybody.
    "metrics": Route(row(anonymous="H", everyone="H"), row(anonymous="H", everyone="H")),
    # The login page sends a signed-in user home; a bad POST is a form error.
    "login": Route(row(anonymous="O"), row(anonymous="O")),
    # Logging out (POST only) lands on the login page.
    "logout": Route(row(anonymous="M", everyone="M"), row(everyone="L")),
    "password_change": Route(SIGNED_IN, SIGNED_IN),
    "password_change_done": Route(SIGNED_IN, GET_ONLY),
    "password_reset": Route(row(anonymous="O"), row(anonymous="O")),
    "password_reset_done": Route(row(anonymous="O"), row(anonymous="M", everyone="M")),
    "password_reset_confirm": Route(
        row(anonymous="O"), row(anonymous="O"), kwargs=password_reset_link
    ),
    "password_reset_complete": Route(row(anonymous="O"), row(anonymous="M", everyone="M")),
    # The API's description is public (drf-spectacular's default); it holds no data.
    "api-schema": Route(row(anonymous="O"), row(anonymous="M", everyone="M")),
    "api-docs": Route(row(anonymous="O"), row(anonymous="M", everyone="M")),
    # --- the officer's workspace
    "assessments:my_indicators": Route(SIGNED_IN, GET_ONLY),
    # Submitting everything is the owning officers' act; the period is
    # visible to its instansi (nothing to submit there), hidden from others.
    "assessments:submit_all": Route(
        SIGNED_IN,
        row(foreign="H"),
        data=lambda w: {"period": w.period.pk},
        note="non-officers find nothing of theirs to submit",
    ),
    "assessments:answer_detail": Route(OWNER_SEES, OWNER_ACTS, kwargs=answer_id, data=answer_form),
    # Every address a form posts to opens the answer page on GET (the
    # address bar after a refused upload), for those who may see the answer.
    "assessments:answer_submit": Route(
        OWNER_SEES,
        OWNER_ACTS,
        kwargs=answer_id,
        data=lambda w: {"version": w.answer.version},
    ),
    "assessments:evidence_upload": Route(
        OWNER_SEES,
        OWNER_ACTS,
        kwargs=answer_id,
        data=lambda w: {"files": SimpleUploadedFile("pergub.pdf", PDF, "application/pdf")},
    ),
    "assessments:evidence_link_add": Route(
        OWNER_SEES,
        OWNER_ACTS,
        kwargs=answer_id,
        data=lambda w: {"url": "https://jdih.example.go.id/pergub-5", "note": ""},
    ),
    "assessments:answer_withdraw": Route(
        OWNER_SEES,
        OWNER_ACTS,
        kwargs=submitted_id,
        data=lambda w: {"version": w.submitted.version},
    ),
    # Replies: the owning OPD's officers and the reviewers talk; leadership
    # and administrators read the thread but do not take part.
    "assessments:answer_reply": Route(
        OWNER_SEES,
        row(other_officer="H", leadership="F", administrator="F", foreign="H"),
        kwargs=submitted_id,
        data=lambda w: {"text": "Berkas SK sudah kami unggah ulang."},
    ),
    "assessments:evidence_download": Route(
        OWNER_SEES, GET_ONLY, kwargs=lambda w: {"public_id": w.evidence.public_id}
    ),
    "assessments:evidence_withdraw": Route(
        OWNER_SEES, OWNER_ACTS, kwargs=lambda w: {"public_id": w.evidence.public_id}
    ),
    "assessments:evidence_link_withdraw": Route(
        OWNER_SEES, OWNER_ACTS, kwargs=lambda w: {"public_id": w.link.public_id}
    ),
    # Tagging evidence with the guideline's evidence criteria: as adding evidence.
    "assessments:evidence_tag": Route(
        POST_ONLY, OWNER_ACTS, kwargs=lambda w: {"public_id": w.evidence.public_id}
    ),
    "assessments:evidence_link_tag": Route(
        POST_ONLY, OWNER_ACTS, kwargs=lambda w: {"public_id": w.link.public_id}
    ),
    # --- profile and personal API tokens: one's own only
    "assessments:profile": Route(SIGNED_IN, GET_ONLY),
    "assessments:token_create": Route(POST_ONLY, SIGNED_IN, data=lambda w: {"name": "uji"}),
    "assessments:token_revoke": Route(
        POST_ONLY, row(everyone="H", officer="O"), kwargs=lambda w: {"pk": w.token.pk}
    ),
    # --- notifications: private to their recipient (the owning officer here)
    "notifications:list": Route(SIGNED_IN, GET_ONLY),
    # The badge answers an expired session with an empty fragment, not a login page.
    "notifications:badge": Route(row(anonymous="O"), row(anonymous="M", everyone="M")),
    "notifications:read-all": Route(POST_ONLY, SIGNED_IN),
    "notifications:read": Route(
        POST_ONLY, row(everyone="H", officer="O"), kwargs=lambda w: {"pk": w.notification.pk}
    ),
    "notifications:open": Route(
        POST_ONLY, row(everyone="H", officer="O"), kwargs=lambda w: {"pk": w.notification.pk}
    ),
    # --- the internal assessor's workspace
    # Administrators read the queue: they reopen validated answers from it.
    "review:queue": Route(
        row(everyone="F", reviewer="O", administrator="O", foreign="H"),
        GET_ONLY,
        query=lambda w: {"period": w.period.pk},
    ),
    # A bulk decision's address entered again (GET) leads back to the queue.
    "review:accept-bulk": Route(
        row(everyone="F", reviewer="O", foreign="O"),
        row(everyone="F", reviewer="O", foreign="H"),
        data=lambda w: {"selected": f"{w.submitted.public_id}:{w.submitted.version}"},
    ),
    "review:return-bulk": Route(
        row(everyone="F", reviewer="O", foreign="O"),
        row(everyone="F", reviewer="O", foreign="H"),
        data=lambda w: {
            "selected": f"{w.submitted.public_id}:{w.submitted.version}",
            "reason": "evidence_missing",
            "comment": "Lampirkan SK.",
        },
    ),
    # Administrators read the review page: they reopen validated answers there.
    "review:detail": Route(
        row(officer="F", other_officer="H", leadership="F", foreign="H"),
        GET_ONLY,
        kwargs=submitted_id,
    ),
    # Reopening needs a validated answer: the submitted one lets the
    # reviewer and the administrator in and refuses the state.
    "review:reopen": Route(
        REVIEW_PAGE_READERS,
        row(
            officer="F",
            other_officer="H",
            leadership="F",
            reviewer="B",
            administrator="B",
            foreign="H",
        ),
        kwargs=submitted_id,
        data=decision(reason="Bukti baru dari OPD."),
    ),
    "review:accept": Route(
        REVIEW_PAGE_READERS, REVIEWER_ACTS, kwargs=submitted_id, data=decision()
    ),
    "review:adjust": Route(
        REVIEW_PAGE_READERS,
        REVIEWER_ACTS,
        kwargs=submitted_id,
        data=decision(level=3, justification="Bukti hanya mendukung tingkat 3."),
    ),
    "review:return": Route(
        REVIEW_PAGE_READERS,
        REVIEWER_ACTS,
        kwargs=submitted_id,
        data=decision(reason="evidence_missing", comment="Lampirkan SK."),
    ),
    # --- evidence-item mode (a framework answered item by item): the answer by
    # UUID, the item by its id in the framework's public catalogue
    "items:evidence_upload": Route(
        POST_ONLY,
        OWNER_ACTS,
        kwargs=lambda w: {"public_id": w.item_draft.public_id, "item_id": w.item_draft.item.pk},
        data=lambda w: {"files": SimpleUploadedFile("sk.pdf", PDF, "application/pdf")},
    ),
    "items:evidence_upload_chosen": Route(
        POST_ONLY,
        OWNER_ACTS,
        kwargs=lambda w: {"public_id": w.item_draft.public_id},
        data=lambda w: {
            "item": w.item_draft.item.pk,
            "files": SimpleUploadedFile("sk.pdf", PDF, "application/pdf"),
        },
    ),
    "items:accept": Route(
        POST_ONLY,
        REVIEWER_ACTS,
        kwargs=lambda w: {
            "public_id": w.item_submitted.public_id,
            "item_id": w.item_submitted.item.pk,
        },
    ),
    "items:return": Route(
        POST_ONLY,
        REVIEWER_ACTS,
        kwargs=lambda w: {
            "public_id": w.item_submitted.public_id,
            "item_id": w.item_submitted.item.pk,
        },
        data=lambda w: {"comment": "SK belum ditandatangani."},
    ),
    # --- results: instansi-wide roles read them; officers see the period but not the results
    "reports:home": Route(row(officer="F", other_officer="F"), GET_ONLY),
    "reports:dashboard": Route(RESULTS_READERS, GET_ONLY, kwargs=period_kwargs),
    "reports:recompute": Route(POST_ONLY, RESULTS_READERS, kwargs=period_kwargs),
    "reports:planner": Route(RESULTS_READERS, GET_ONLY, kwargs=period_kwargs),
    "reports:what_if": Route(RESULTS_READERS, GET_ONLY, kwargs=period_kwargs),
    # --- report jobs: officers may ask for their own OPD's report only
    "reports:report_index": Route(SIGNED_IN, GET_ONLY),
    "reports:report_list": Route(
        row(other_officer="O", foreign="H"),
        row(other_officer="B", foreign="H"),
        kwargs=period_kwargs,
        data=lambda w: {
            "kind": "opd",
            "basis": "self",
            "fmt": "pdf",
            "opd": w.opd.pk,
            "idempotency_key": "matrix",
        },
        note="other_officer may ask for its own OPD's report (GET); another OPD's is a 400",
    ),
    "reports:report_jobs": Route(row(foreign="H"), GET_ONLY, kwargs=period_kwargs),
    "reports:report_download": Route(
        row(other_officer="H", foreign="H"),
        GET_ONLY,
        kwargs=lambda w: {"public_id": w.job.public_id},
    ),
    # --- issued documents: the administrator's kop surat, numbering and signatories
    # (404 for others, as every administration page); the verification page is public.
    "reports:document_settings": Route(
        ADMIN_ONLY, row(everyone="H", administrator="B"), kwargs=period_kwargs
    ),
    "documents:verify": Route(
        row(anonymous="O"),
        row(anonymous="M", everyone="M"),
        kwargs=lambda w: {"code": w.issued.code},
    ),
    # --- administration: only the instansi's administrators; everyone else 404
    # The index sends each administrator to their own instansi (B for foreign).
    "manage:index": Route(
        row(everyone="H", administrator="O", foreign="O"),
        row(everyone="H", administrator="O", foreign="O"),
    ),
    "manage:instansi": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:opd_list": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:opd_create": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:opd_edit": Route(
        ADMIN_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, pk=w.opd.pk)
    ),
    "manage:children": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:user_list": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:user_create": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:people_import": Route(
        ADMIN_ONLY, row(everyone="H", administrator="B"), kwargs=manage_kwargs
    ),
    "manage:people_import_template": Route(ADMIN_ONLY, GET_ONLY, kwargs=manage_kwargs),
    "manage:user_detail": Route(
        ADMIN_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, pk=w.people["officer"].pk)
    ),
    "manage:user_active": Route(
        POST_ONLY,
        ADMIN_ONLY,
        kwargs=lambda w: manage_kwargs(w, pk=w.people["officer"].pk),
    ),
    "manage:user_password_email": Route(
        POST_ONLY,
        ADMIN_ONLY,
        kwargs=lambda w: manage_kwargs(w, pk=w.people["officer"].pk),
    ),
    "manage:membership_add": Route(
        POST_ONLY,
        ADMIN_ONLY,
        kwargs=lambda w: manage_kwargs(w, pk=w.people["officer"].pk),
    ),
    "manage:membership_remove": Route(
        POST_ONLY,
        ADMIN_ONLY,
        kwargs=lambda w: manage_kwargs(
            w, pk=w.people["officer"].pk, membership_pk=w.officer_membership.pk
        ),
    ),
    "manage:officer_move": Route(
        POST_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, pk=w.people["officer"].pk)
    ),
    "manage:period_roster": Route(
        ADMIN_ONLY, GET_ONLY, kwargs=lambda w: manage_kwargs(w, year=w.period.year)
    ),
    "manage:period_list": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:period_create": Route(ADMIN_ONLY, ADMIN_ONLY, kwargs=manage_kwargs),
    "manage:period_detail": Route(
        ADMIN_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, year=w.period.year)
    ),
    "manage:period_edit": Route(
        ADMIN_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, year=w.period.year)
    ),
    "manage:period_transition": Route(
        POST_ONLY,
        ADMIN_ONLY,
        kwargs=lambda w: manage_kwargs(w, year=w.period.year),
    ),
    "manage:period_step_back": Route(
        POST_ONLY,
        ADMIN_ONLY,
        kwargs=lambda w: manage_kwargs(w, year=w.period.year),
    ),
    "manage:period_delete": Route(
        POST_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, year=w.period.year)
    ),
    # Values from national sources (SDI, ...), entered by the administrator;
    # an empty POST is refused as input.
    "manage:external_values": Route(
        ADMIN_ONLY,
        row(everyone="H", administrator="B"),
        kwargs=lambda w: manage_kwargs(w, year=w.period.year),
    ),
    "manage:assignments": Route(
        ADMIN_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, year=w.period.year)
    ),
    "manage:final_levels": Route(
        ADMIN_ONLY, ADMIN_ONLY, kwargs=lambda w: manage_kwargs(w, year=w.period.year)
    ),
    # An empty import (no file) is refused as input, after the access check.
    "manage:import_levels": Route(
        ADMIN_ONLY,
        row(everyone="H", administrator="B"),
        kwargs=lambda w: manage_kwargs(w, year=w.period.year),
    ),
}


# --- the world -------------------------------------------------------------------------


@pytest.fixture
def world(db, evidence_storage):
    """Instansi A with two OPDs, an open period, a draft answer (with a file
    and a link) and a submitted answer of the owning OPD, an answer of the
    other OPD, a finished OPD report, a notification and an API token of the
    owning officer; people in every role of A, and someone holding every
    role of instansi B."""
    framework = FrameworkVersionFactory()
    LevelName.objects.bulk_create(
        LevelName(framework=framework, capability="process", level=level, name=f"Tingkat {level}")
        for level in range(1, 6)
    )
    instansi = InstansiFactory(code="prov-a")
    period = EvaluationPeriodFactory(instansi=instansi, framework=framework)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    other_opd = OPDFactory(instansi=instansi, short_name="Bappeda")
    own = AssignmentFactory(period=period, responsible_opd=opd)
    own_submitted = AssignmentFactory(period=period, responsible_opd=opd)
    AssignmentFactory(period=period, responsible_opd=other_opd)
    answers_ensure(period=period)
    Answer.objects.filter(period=period, indicator=own.indicator).update(
        proposed_level=3, explanation="FAKTA: Pergub 4/2023. ANALISIS: memenuhi."
    )
    answer = Answer.objects.get(period=period, indicator=own.indicator)
    submitted = Answer.objects.get(period=period, indicator=own_submitted.indicator)
    Answer.objects.filter(pk=submitted.pk).update(
        proposed_level=4,
        explanation="FAKTA: SK 1/2024. ANALISIS: memenuhi.",
        state=AnswerState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    submitted.refresh_from_db()

    officer = officer_of(opd)
    people = {
        "anonymous": None,
        "officer": officer,
        "other_officer": officer_of(other_opd),
        "reviewer": role_in(instansi, Role.REVIEWER),
        "leadership": role_in(instansi, Role.LEADERSHIP),
        "administrator": role_in(instansi, Role.ADMINISTRATOR),
    }
    foreign_instansi = InstansiFactory(code="prov-b")
    foreign_period = EvaluationPeriodFactory(instansi=foreign_instansi, framework=framework)
    foreign = officer_of(OPDFactory(instansi=foreign_instansi))
    for role in (Role.REVIEWER, Role.LEADERSHIP, Role.ADMINISTRATOR):
        Membership.objects.create(user=foreign, instansi=foreign_instansi, role=role)
    people["foreign"] = foreign

    evidence = EvidenceFile(
        answer=answer,
        original_name="pergub.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=officer,
    )
    evidence.file.save("evidence", ContentFile(PDF), save=False)
    evidence.save()
    link = EvidenceLink.objects.create(
        answer=answer, url="https://jdih.example.go.id/sk", added_by=officer
    )
    job = ReportJob(
        period=period,
        basis="self",
        kind="opd",
        opd=opd,
        format="xlsx",
        state=JobState.DONE,
        requested_by=people["leadership"],
        finished_at=timezone.now(),
    )
    job.file.save("report", ContentFile(b"PK\x03\x04 report"), save=False)
    job.save()
    notification = Notification.objects.create(
        recipient=officer,
        kind=Notification._meta.get_field("kind").choices[0][0],
        message="Jawaban dikembalikan: pesan-rahasia-7f3a.",
        link=reverse("assessments:answer_detail", kwargs={"public_id": answer.public_id}),
        answer=answer,
    )
    issued = IssuedDocument.objects.create(
        instansi=instansi,
        period=period,
        kind="instansi",
        basis="validated",
        sequence=1,
        year=period.year,
        number=f"000.8/1/SPBE/{period.year}",
        code="ABCDEFGHJK",
        issued_at=timezone.now(),
    )
    return SimpleNamespace(
        instansi=instansi,
        period=period,
        foreign_period=foreign_period,
        opd=opd,
        other_opd=other_opd,
        answer=answer,
        submitted=submitted,
        evidence=evidence,
        link=link,
        job=job,
        issued=issued,
        notification=notification,
        token=_token_of(officer),
        **_item_answers(instansi, opd, year=period.year + 1),
        officer_membership=Membership.objects.get(user=officer),
        people=people,
    )


def _item_answers(instansi, opd, *, year):
    """A second period whose framework is answered item by item: a draft and
    a submitted answer of the owning OPD, each with one level-1 item."""
    framework = FrameworkVersionFactory()
    period = EvaluationPeriodFactory(instansi=instansi, framework=framework, year=year)
    assignments = [AssignmentFactory(period=period, responsible_opd=opd) for _ in range(2)]
    items = [
        EvidenceItem.objects.create(
            indicator=a.indicator, level=1, text="SK Tim SPBE", kind="main", position=1
        )
        for a in assignments
    ]
    answers_ensure(period=period)
    draft, submitted = (
        Answer.objects.get(period=period, indicator=a.indicator) for a in assignments
    )
    Answer.objects.filter(pk=submitted.pk).update(
        proposed_level=1, state=AnswerState.SUBMITTED, submitted_at=timezone.now()
    )
    submitted.refresh_from_db()
    draft.item, submitted.item = items
    return {"item_draft": draft, "item_submitted": submitted}


def _token_of(user):
    from assessments.models import ApiToken

    return ApiToken.objects.create(
        user=user, name="token-rahasia-9c1e", key_prefix="abcd1234", key_hash="f" * 64
    )


# --- running one route --------------------------------------------------------------


def outcome(response) -> str:
    status = response.status_code
    if status == 302 and response["Location"].startswith(reverse("login")):
        return "L"
    return {404: "H", 403: "F", 405: "M", 401: "F", 400: "B", 409: "B"}.get(
        status, "O" if status < 400 else "E"
    )


def observe(w, name: str, route: Route, method: str) -> str:
    url = reverse(name, kwargs=route.url(w))
    seen = []
    for actor in ACTORS:
        # A savepoint per request: a successful POST is undone before the next actor.
        with transaction.atomic():
            client = Client()
            if w.people[actor] is not None:
                client.force_login(w.people[actor])
            try:
                if method == "get":
                    response = client.get(url, route.query(w) if route.query else {})
                else:
                    response = client.post(url, route.data(w) if route.data else {})
                seen.append(outcome(response))
            except Exception as exc:  # a 500: recorded, so the whole row is reported
                seen.append("E")
                print(f"{name} {method} as {actor}: {exc!r}")
            transaction.set_rollback(True)
    return "".join(seen)


ROUTE_NAMES = sorted(html_routes())


def test_every_route_is_in_the_table():
    found = set(ROUTE_NAMES)
    missing = sorted(found - ROUTES.keys())
    stale = sorted(ROUTES.keys() - found)
    assert not missing, f"routes without an expected access row: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("name", [n for n in ROUTE_NAMES if n in ROUTES])
def test_route_access(world, name):
    route = ROUTES[name]
    got = {method: observe(world, name, route, method) for method in ("get", "post")}
    expected = {"get": route.get, "post": route.post}
    assert got == expected, (
        f"{name}: actors {'/'.join(ACTORS)}\n expected {expected}\n got      {got}"
    )


# --- identifiers in URLs ----------------------------------------------------------------

# Routes that identify answers, evidence or reports must do so by UUID, never
# by a sequential integer someone could count through.
SENSITIVE = re.compile(r"jawaban|data-dukung|tautan|reports/<|verifikasi/<|unduh|download")
# Integer ids still in use, each scoped so that another user's id is a 404:
# notifications (recipient only), API tokens (owner only), and the
# administrator's OPD/user/membership ids (within an instansi they administer).
INT_ID_ROUTES = {
    "assessments:token_revoke",
    "notifications:read",
    "notifications:open",
    "manage:opd_edit",
    "manage:user_detail",
    "manage:user_active",
    "manage:user_password_email",
    "manage:membership_add",
    "manage:membership_remove",
    "manage:officer_move",
}


# Framework catalogue ids (public, the same for every instansi) may be ints.
CATALOGUE_INTS = ("<int:item_id>",)


def test_answers_evidence_and_reports_are_addressed_by_uuid():
    routes = html_routes()
    for name, route in routes.items():
        if SENSITIVE.search(route) and "<" in route:
            rest = route
            for allowed in CATALOGUE_INTS:
                rest = rest.replace(allowed, "")
            assert "<int:" not in rest and "<pk" not in rest, (name, route)
            assert "<uuid:" in route or "<slug:" in route, (name, route)
    with_ints = {name for name, route in routes.items() if re.search(r"<int:(pk|\w+_pk)>", route)}
    assert with_ints == INT_ID_ROUTES, (
        "integer ids in URLs changed; keep them scoped to the owner and update the list: "
        f"{sorted(with_ints ^ INT_ID_ROUTES)}"
    )


def test_the_rule_checked_on_one_answer_agrees_with_the_visible_answers(world):
    """access.sees_answer (the answer and decision pages, last year's answer)
    is visible_answers written for one row: both agree for every actor and
    answer, a contributing OPD's officer included."""
    from assessments import access
    from assessments.models import Assignment

    Assignment.objects.get(period=world.period, indicator=world.answer.indicator).contributors.add(
        world.other_opd
    )
    answers = list(Answer.objects.select_related("period"))
    for actor, user in world.people.items():
        if user is None:
            continue
        user = type(user).objects.get(pk=user.pk)  # a fresh scope
        visible = set(access.visible_answers(user).values_list("pk", flat=True))
        seen = {a.pk for a in answers if access.sees_answer(user, a)}
        assert seen == visible, actor
    assert world.answer.pk in {
        a.pk for a in answers if access.sees_answer(world.people["other_officer"], a)
    }


def test_a_guessed_uuid_is_a_404_for_everyone(world, client):
    """Knowing the URL shape gets nobody anything."""
    import uuid

    client.force_login(world.people["administrator"])
    for name in ("assessments:answer_detail", "assessments:evidence_download"):
        assert client.get(reverse(name, kwargs={"public_id": uuid.uuid4()})).status_code == 404
    assert (
        client.get(
            reverse("reports:report_download", kwargs={"public_id": uuid.uuid4()})
        ).status_code
        == 404
    )


# --- pages everyone may open show nothing of others ----------------------------------------


def body_as(w, actor, name, query=None, **kwargs) -> str:
    client = Client()
    client.force_login(w.people[actor])
    response = client.get(reverse(name, kwargs=kwargs or None), query or {})
    assert response.status_code == 200, (name, actor)
    return response.content.decode()


def test_lists_show_nothing_of_other_opds_instansi_or_people(world):
    w = world
    answer_id, job_id = str(w.answer.public_id), str(w.job.public_id)
    assert answer_id in body_as(w, "officer", "assessments:my_indicators")
    for actor in ("other_officer", "foreign"):
        assert answer_id not in body_as(w, actor, "assessments:my_indicators")

    period = {"instansi": w.instansi.code, "year": w.period.year}
    assert job_id in body_as(w, "officer", "reports:report_jobs", **period)
    assert job_id not in body_as(w, "other_officer", "reports:report_jobs", **period)
    assert job_id not in body_as(w, "other_officer", "reports:report_list", **period)
    assert w.instansi.code not in body_as(w, "foreign", "reports:report_index")

    submitted_id = str(w.submitted.public_id)
    assert submitted_id in body_as(w, "reviewer", "review:queue", {"period": w.period.pk})
    assert submitted_id not in body_as(w, "foreign", "review:queue")

    assert "pesan-rahasia-7f3a" in body_as(w, "officer", "notifications:list")
    assert "token-rahasia-9c1e" in body_as(w, "officer", "assessments:profile")
    for actor in ("other_officer", "reviewer", "leadership", "administrator", "foreign"):
        assert "pesan-rahasia-7f3a" not in body_as(w, actor, "notifications:list")
        assert "token-rahasia-9c1e" not in body_as(w, actor, "assessments:profile")


# --- every page works under the Content-Security-Policy (browser) ----------------------------

# Not pages: files, JSON, htmx fragments and the API's description.
NOT_PAGES = {
    "assessments:evidence_download",
    "reports:report_download",
    "manage:people_import_template",
    "healthz",
    "readyz",
    "metrics",
    "api-schema",
    "notifications:badge",
    "reports:report_jobs",
    "logout",
}
# Who opens each page in the sweep: the first of these the access table lets in.
VIEWERS = ("administrator", "reviewer", "leadership", "officer", "anonymous")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_runs_under_the_csp_without_script_errors(page, live_server, world):
    """Each HTML page of the access matrix, opened in Chromium by someone
    allowed to: no CSP violation (the `page` fixture fails on those) and no
    JavaScript error."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sessions = {}
    for actor in VIEWERS[:-1]:
        client = Client()
        client.force_login(world.people[actor])
        sessions[actor] = client.cookies["sessionid"].value

    visited = 0
    for name, route in sorted(ROUTES.items()):
        if name in NOT_PAGES:
            continue
        viewer = next((a for a in VIEWERS if route.get[ACTORS.index(a)] == "O"), None)
        if viewer is None:
            continue
        page.context.clear_cookies()
        if viewer != "anonymous":
            page.context.add_cookies(
                [{"name": "sessionid", "value": sessions[viewer], "url": live_server.url}]
            )
        url = reverse(name, kwargs=route.url(world) or None)
        if route.query:
            url += "?" + "&".join(f"{k}={v}" for k, v in route.query(world).items())
        response = page.goto(live_server.url + url)
        assert response.ok, (name, viewer, response.status)
        assert "text/html" in response.headers["content-type"], name
        settled(page)
        assert not errors, f"{name} as {viewer}: {errors}"
        visited += 1
    assert visited >= 30
