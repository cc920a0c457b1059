"""Issue 13: the 2024 guideline on the answer and review pages, and evidence
tagged with the evidence criteria (Kriteria Bukti Dukung) it proves — through
the pages and the API, refused to everyone who may not add evidence."""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.lifecycle import answers_ensure
from assessments.models import (
    Answer,
    AnswerState,
    EvidenceFile,
    EvidenceLink,
    Role,
)
from indicators.models import EvidenceCriterion, FrameworkVersion
from tests.factories import (
    AssignmentFactory,
    EvaluationPeriodFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def spbe2024(db):
    call_command("load_framework", "spbe-2024", verbosity=0)
    return FrameworkVersion.objects.get(code="spbe-2024")


@pytest.fixture
def guide(spbe2024, evidence_storage):
    """An open spbe-2024 period: indicator 1 (level 4 chosen) and 2 owned by
    Diskominfo, each answer with a file and a link; people in every position."""
    instansi = InstansiFactory(code="kaltim")
    period = EvaluationPeriodFactory(instansi=instansi, framework=spbe2024, year=2025)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    other_opd = OPDFactory(instansi=instansi, short_name="Bappeda")
    for code in ("1", "2"):
        AssignmentFactory(
            period=period, indicator=spbe2024.indicators.get(code=code), responsible_opd=opd
        )
    answers_ensure(period=period)
    officer = officer_of(opd)
    Answer.objects.filter(period=period, indicator__code="1").update(proposed_level=4)
    answer = Answer.objects.get(period=period, indicator__code="1")
    evidence = EvidenceFile(
        answer=answer,
        original_name="pergub-arsitektur.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=officer,
    )
    evidence.file.save("evidence", ContentFile(PDF), save=False)
    evidence.save()
    link = EvidenceLink.objects.create(
        answer=answer, url="https://jdih.example.go.id/pergub", added_by=officer
    )
    foreign = officer_of(OPDFactory(instansi=InstansiFactory(code="kaltara")))
    return SimpleNamespace(
        period=period,
        answer=answer,
        other=Answer.objects.get(period=period, indicator__code="2"),
        evidence=evidence,
        link=link,
        officer=officer,
        outsider=officer_of(other_opd),
        reviewer=role_in(instansi, Role.REVIEWER),
        foreign=foreign,
    )


def keys_of(row) -> list[str]:
    return sorted(row.criteria.values_list("key", flat=True))


def tag(client, evidence, keys):
    return client.post(
        reverse("assessments:evidence_tag", args=[evidence.public_id]), {"criteria": keys}
    )


# --- the officer's page ------------------------------------------------------------


def test_officer_sees_every_level_of_the_guideline_with_the_chosen_one_open(client, guide):
    client.force_login(guide.officer)
    response = client.get(reverse("assessments:answer_detail", args=[guide.answer.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="guideline"' in html
    for level in range(1, 6):
        assert f'id="guideline-level-{level}"' in html
    assert 'id="guideline-level-4" data-level="4" open' in html
    assert 'id="guideline-level-3" data-level="3" >' in html
    # Level 4's fulfilment criteria and its four evidence criteria, from the file.
    criterion = guide.answer.indicator.criteria.get(level=4)
    assert criterion.fulfilment.split("\n")[0][:60] in html
    items = list(EvidenceCriterion.objects.filter(criterion=criterion))
    assert [i.key for i in items] == ["1.4.1", "1.4.2", "1.4.3", "1.4.4"]
    assert html.count('data-covered="0"') == 4
    # The indicator's description, rule and examples are there, collapsed.
    assert "Ketentuan penilaian" in html and "Contoh bukti dukung" in html
    # One tagging form per live file and link, each offering level 4's items.
    assert html.count('name="criteria" value="1.4.2"') == 2


def test_without_a_level_the_checklist_asks_for_one(client, guide):
    Answer.objects.filter(pk=guide.answer.pk).update(proposed_level=None)
    client.force_login(guide.officer)
    html = client.get(
        reverse("assessments:answer_detail", args=[guide.answer.public_id])
    ).content.decode()
    assert 'id="evidence-checklist-empty"' in html
    assert " open>" not in html.split('id="guideline"')[1].split("</section>")[0]


def test_tagging_a_file_and_a_link_is_stored_on_the_evidence_and_shown(client, guide):
    client.force_login(guide.officer)
    version = guide.answer.version
    response = tag(client, guide.evidence, ["1.4.1", "1.4.2"])
    assert response.status_code == 302
    assert response.url.endswith("#guideline")
    response = client.post(
        reverse("assessments:evidence_link_tag", args=[guide.link.public_id]),
        {"criteria": ["1.4.3"]},
    )
    assert response.status_code == 302
    guide.evidence.refresh_from_db()
    assert keys_of(guide.evidence) == ["1.4.1", "1.4.2"]
    assert guide.evidence.tagged_by == guide.officer and guide.evidence.tagged_at
    assert keys_of(guide.link) == ["1.4.3"]
    # Not an answer change: no version, no event.
    answer = Answer.objects.get(pk=guide.answer.pk)
    assert answer.version == version and not answer.events.exists()
    html = client.get(
        reverse("assessments:answer_detail", args=[guide.answer.public_id])
    ).content.decode()
    assert html.count('data-covered="1"') == 3 and html.count('data-covered="0"') == 1
    # Unticking everything removes the tags.
    assert tag(client, guide.evidence, []).status_code == 302
    assert keys_of(guide.evidence) == []


def test_tags_of_another_level_stay_when_the_officer_changes_level(client, guide):
    client.force_login(guide.officer)
    tag(client, guide.evidence, ["1.4.1", "1.3.1"])
    html = client.get(
        reverse("assessments:answer_detail", args=[guide.answer.public_id])
    ).content.decode()
    # Level 3's item is offered, ticked, beside level 4's list, so saving keeps it.
    assert 'value="1.3.1" id="tag-' in html
    assert keys_of(guide.evidence) == ["1.3.1", "1.4.1"]


@pytest.mark.parametrize("keys", [["9.9.9"], ["2.1.1"], ["1.4.1\x00"], ["1.4.1", "x" * 300]])
def test_unknown_keys_and_keys_of_another_indicator_are_refused(client, guide, keys):
    client.force_login(guide.officer)
    response = tag(client, guide.evidence, keys)
    assert response.status_code == 400
    assert "tidak dikenal" in response.content.decode()
    assert keys_of(guide.evidence) == []


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("reviewer", 403), ("foreign", 404)]
)
def test_only_those_who_add_evidence_may_tag(client, guide, who, status):
    client.force_login(getattr(guide, who))
    assert tag(client, guide.evidence, ["1.4.1"]).status_code == status
    assert keys_of(guide.evidence) == []


def test_a_submitted_answer_and_withdrawn_evidence_cannot_be_tagged(client, guide):
    client.force_login(guide.officer)
    EvidenceLink.objects.filter(pk=guide.link.pk).update(withdrawn_at=timezone.now())
    response = client.post(
        reverse("assessments:evidence_link_tag", args=[guide.link.public_id]),
        {"criteria": ["1.4.1"]},
    )
    assert response.status_code == 400
    Answer.objects.filter(pk=guide.answer.pk).update(state=AnswerState.SUBMITTED)
    assert tag(client, guide.evidence, ["1.4.1"]).status_code == 409
    assert keys_of(guide.evidence) == [] and keys_of(guide.link) == []


def test_a_framework_without_guideline_shows_no_panel(client, officer_world):
    client.force_login(officer_world.officer)
    html = client.get(
        reverse("assessments:answer_detail", args=[officer_world.answer.public_id])
    ).content.decode()
    assert 'id="guideline"' not in html


# --- the reviewer's page -----------------------------------------------------------


def test_reviewer_sees_the_mapping_and_the_items_without_evidence(client, guide):
    guide.evidence.criteria.set(
        EvidenceCriterion.objects.filter(key__in=["1.4.1", "1.4.2"], criterion__indicator__code="1")
    )
    Answer.objects.filter(pk=guide.answer.pk).update(
        state=AnswerState.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(guide.reviewer)
    response = client.get(reverse("review:detail", args=[guide.answer.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="guideline-level-4" data-level="4" open' in html
    assert html.count('data-covered="1"') == 2 and html.count('data-covered="0"') == 2
    mapping = html.split('id="evidence-tags"')[1].split("</ul>")[0]
    assert "pergub-arsitektur.pdf:" in mapping and "1.4.1, 1.4.2" in mapping
    assert "belum ditandai" in mapping  # the link
    # Read-only for the reviewer: no tagging forms.
    assert 'name="criteria"' not in html


# --- the API -------------------------------------------------------------------------


def api_client(user):
    from rest_framework.test import APIClient

    from assessments.api.auth import api_token_create

    raw = api_token_create(user=user, name="uji")[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_api_tags_a_file_and_a_link_and_lists_the_keys(guide):
    client = api_client(guide.officer)
    url = reverse("api:evidence-criteria", args=[guide.evidence.public_id])
    response = client.put(url, {"criteria": ["1.4.2", "1.4.1"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["criteria"] == ["1.4.1", "1.4.2"]
    assert response.json()["tagged_at"]
    response = client.put(
        reverse("api:evidence-link-criteria", args=[guide.link.public_id]),
        {"criteria": ["1.4.4"]},
        format="json",
    )
    assert response.json()["criteria"] == ["1.4.4"]
    listed = client.get(reverse("api:evidence-list"), {"answer": guide.answer.public_id}).json()
    assert listed["results"][0]["criteria"] == ["1.4.1", "1.4.2"]
    links = client.get(reverse("api:evidence-link-list")).json()["results"]
    assert links[0]["criteria"] == ["1.4.4"]
    assert keys_of(guide.evidence) == ["1.4.1", "1.4.2"]


def test_api_refuses_foreign_keys_and_outsiders(guide):
    url = reverse("api:evidence-criteria", args=[guide.evidence.public_id])
    response = api_client(guide.officer).put(url, {"criteria": ["2.1.1"]}, format="json")
    assert response.status_code == 400
    assert api_client(guide.outsider).put(url, {"criteria": []}, format="json").status_code == 404
    assert api_client(guide.foreign).put(url, {"criteria": []}, format="json").status_code == 404
    response = api_client(guide.officer).put(url, {"criteria": "1.4.1"}, format="json")
    assert response.status_code == 400
    assert keys_of(guide.evidence) == []


def test_the_panels_cost_the_same_queries_however_much_is_tagged(client, guide):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    officer_url = reverse("assessments:answer_detail", args=[guide.answer.public_id])
    Answer.objects.filter(pk=guide.answer.pk).update(state=AnswerState.SUBMITTED)
    review_url = reverse("review:detail", args=[guide.answer.public_id])
    guide.evidence.criteria.set(EvidenceCriterion.objects.filter(key="1.4.1"))
    guide.link.criteria.set(EvidenceCriterion.objects.filter(key="1.4.2"))
    count(guide.officer, officer_url)  # reads the framework's texts, cached per revision
    before = count(guide.officer, officer_url), count(guide.reviewer, review_url)
    items = EvidenceCriterion.objects.filter(criterion__indicator__code="1")
    for i in range(8):
        link = EvidenceLink.objects.create(
            answer=guide.answer, url=f"https://contoh.go.id/{i}", added_by=guide.officer
        )
        link.criteria.set(items)
    after = count(guide.officer, officer_url), count(guide.reviewer, review_url)
    assert after == before


def test_api_checklist_shows_the_reviewer_the_mapping(guide):
    guide.evidence.criteria.set(
        EvidenceCriterion.objects.filter(key__in=["1.4.1", "1.4.2"], criterion__indicator__code="1")
    )
    url = reverse("api:answer-checklist", args=[guide.answer.public_id])
    body = api_client(guide.reviewer).get(url).json()
    assert (body["framework"], body["level"]) == ("spbe-2024", 4)
    assert [(i["key"], i["covered"]) for i in body["items"]] == [
        ("1.4.1", True), ("1.4.2", True), ("1.4.3", False), ("1.4.4", False)
    ]  # fmt: skip
    assert body["items"][0]["evidence"] == [str(guide.evidence.public_id)]
    assert {(e["kind"], e["name"]): e["criteria"] for e in body["evidence"]} == {
        ("file", "pergub-arsitektur.pdf"): ["1.4.1", "1.4.2"],
        ("link", "https://jdih.example.go.id/pergub"): [],
    }
    assert api_client(guide.officer).get(url).status_code == 200
    assert api_client(guide.outsider).get(url).status_code == 404
    assert api_client(guide.foreign).get(url).status_code == 404
