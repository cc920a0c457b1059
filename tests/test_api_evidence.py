"""Evidence through the API: multipart upload with the portal's own content
checks (assessments.evidence.attach), listing with filters, streaming download."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import AnswerEvent, AnswerState, EventKind, EvidenceFile, EvidenceLink
from tests.pdf_samples import MINIMAL_PDF

# Any readable PDF will do: the evidence check parses it.
PDF = MINIMAL_PDF
URL = "/api/v1/evidence/"


def stored(location):
    return sorted(p.name for p in location.rglob("*") if p.is_file())


def post(client, answer, name, data):
    return client.post(
        URL,
        {"answer": str(answer.public_id), "file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def test_url_is_the_named_route():
    assert reverse("api:evidence-list") == URL


def test_upload_stores_the_file_with_its_hash(api_world, api_as, evidence_storage):
    before = stored(evidence_storage)
    response = post(api_as("officer"), api_world.draft, "../../SK Tim.pdf", PDF)
    assert response.status_code == 201, response.content
    body = response.json()
    evidence = EvidenceFile.objects.get(public_id=body["id"])
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() == body["sha256"]
    assert evidence.content_type == "application/pdf"
    assert "/" not in evidence.original_name
    assert body["answer"] == str(api_world.draft.public_id)
    assert len(stored(evidence_storage)) == len(before) + 1
    assert AnswerEvent.objects.filter(
        answer=api_world.draft, kind=EventKind.EVIDENCE_ADDED
    ).exists()


def test_a_disguised_file_is_refused_and_nothing_is_stored(api_world, api_as, evidence_storage):
    before, count = stored(evidence_storage), EvidenceFile.objects.count()
    response = post(api_as("officer"), api_world.draft, "laporan.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert EvidenceFile.objects.count() == count
    assert stored(evidence_storage) == before


def test_an_oversized_file_is_refused_while_streaming(api_world, api_as, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    count = EvidenceFile.objects.count()
    response = post(api_as("officer"), api_world.draft, "besar.pdf", PDF + b"%" * 4000)
    assert response.status_code == 400
    assert "terlalu besar" in response.json()["errors"]["file"][0]
    assert EvidenceFile.objects.count() == count


def test_upload_without_a_file_or_with_json_is_refused(api_world, api_as):
    client = api_as("officer")
    missing = client.post(URL, {"answer": str(api_world.draft.public_id)}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    as_json = client.post(URL, {"answer": str(api_world.draft.public_id)}, format="json")
    assert as_json.status_code == 415


def test_upload_to_a_submitted_answer_is_409(api_world, api_as):
    response = post(api_as("officer"), api_world.submitted, "sk.pdf", PDF)
    assert response.status_code == 409
    assert api_world.submitted.state == AnswerState.SUBMITTED
    assert not EvidenceFile.objects.filter(answer=api_world.submitted).exists()


def test_list_filters_by_answer_and_hides_withdrawn_on_request(api_world, api_as):
    client = api_as("reviewer")
    by_answer = client.get(URL, {"answer": str(api_world.draft.public_id)}).json()
    assert [e["id"] for e in by_answer["results"]] == [str(api_world.evidence.public_id)]
    assert client.get(URL, {"answer": str(api_world.submitted.public_id)}).json()["count"] == 0
    EvidenceFile.objects.filter(pk=api_world.evidence.pk).update(withdrawn_at="2026-01-01T00:00Z")
    assert client.get(URL, {"withdrawn": "false"}).json()["count"] == 0
    assert client.get(URL, {"withdrawn": "true"}).json()["count"] == 1


def test_download_streams_the_file_as_an_attachment(api_world, api_as):
    response = api_as("reviewer").get(
        reverse("api:evidence-download", args=[api_world.evidence.public_id])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_withdraw_keeps_the_file_and_records_it(api_world, api_as):
    url = reverse("api:evidence-detail", args=[api_world.evidence.public_id])
    response = api_as("officer").delete(url)
    assert response.status_code == 200 and response.json()["withdrawn_at"]
    evidence = EvidenceFile.objects.get(pk=api_world.evidence.pk)
    assert evidence.withdrawn_at is not None and evidence.file.storage.exists(evidence.file.name)
    assert AnswerEvent.objects.filter(
        answer=api_world.draft, kind=EventKind.EVIDENCE_WITHDRAWN
    ).exists()
    assert api_as("officer").delete(url).status_code == 400  # already withdrawn


def test_links_are_added_validated_and_withdrawn(api_world, api_as):
    client = api_as("officer")
    url = reverse("api:evidence-link-list")
    answer = str(api_world.draft.public_id)
    bad = client.post(url, {"answer": answer, "url": "javascript:alert(1)"}, format="json")
    assert bad.status_code == 400
    added = client.post(
        url,
        {"answer": answer, "url": "https://sso.kaltimprov.go.id/", "note": "akun uji"},
        format="json",
    )
    assert added.status_code == 201, added.content
    link_id = added.json()["id"]
    assert client.get(url, {"answer": answer}).json()["count"] == 2
    withdrawn = client.delete(reverse("api:evidence-link-detail", args=[link_id]))
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert client.get(url, {"answer": answer, "withdrawn": "false"}).json()["count"] == 1


def test_a_contributing_opd_adds_evidence_but_does_not_edit_the_answer(api_world, api_as):
    from assessments.api.auth import api_token_create
    from tests.factories import officer_of

    api_world.draft_assignment.contributors.add(api_world.other_opd)
    contributor = api_as(None)
    raw = api_token_create(user=officer_of(api_world.other_opd), name="uji")[1]
    contributor.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = api_world.draft
    seen = contributor.get(reverse("api:answer-detail", args=[answer.public_id]))
    assert seen.status_code == 200 and seen.json()["editable"] is False
    patch = contributor.patch(
        reverse("api:answer-detail", args=[answer.public_id]),
        {"proposed_level": 1},
        format="json",
        HTTP_IF_MATCH=f'"{answer.version}"',
    )
    assert patch.status_code == 403
    assert post(contributor, answer, "dukungan.pdf", PDF).status_code == 201


def test_item_mode_upload_attaches_the_file_to_its_item(api_world, api_as):
    from indicators.models import EvidenceItem

    item = EvidenceItem.objects.create(
        indicator=api_world.draft.indicator, level=1, text="SK tim", kind="main", position=1
    )
    client = api_as("officer")
    response = client.post(
        URL,
        {
            "answer": str(api_world.draft.public_id),
            "file": SimpleUploadedFile("sk.pdf", PDF),
            "item": item.id,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["item"] == item.id
    assert EvidenceFile.objects.get(public_id=response.json()["id"]).item_id == item.id
    other = client.post(
        URL,
        {
            "answer": str(api_world.draft.public_id),
            "file": SimpleUploadedFile("x.pdf", PDF),
            "item": item.id + 1000,
        },
        format="multipart",
    )
    assert other.status_code == 400


def test_item_decision_by_the_reviewer(api_world, api_as):
    from assessments.models import EvidenceFile, EvidenceItemAnswer, ItemState
    from indicators.models import EvidenceItem

    item = EvidenceItem.objects.create(
        indicator=api_world.submitted.indicator, level=1, text="SK tim", kind="main", position=1
    )
    url = reverse("api:answer-item-decision", args=[api_world.submitted.public_id, item.id])
    no_comment = api_as("reviewer").post(url, {"decision": "returned"}, format="json")
    assert no_comment.status_code == 400
    # An item without evidence cannot be accepted.
    refused = api_as("reviewer").post(url, {"decision": "accepted"}, format="json")
    assert refused.status_code == 400 and "data dukung" in refused.json()["detail"]
    assert not EvidenceItemAnswer.objects.filter(answer=api_world.submitted, item=item).exists()
    EvidenceFile.objects.filter(pk=api_world.evidence.pk).update(
        answer=api_world.submitted, item=item
    )
    response = api_as("reviewer").post(url, {"decision": "accepted"}, format="json")
    assert response.status_code == 200, response.content
    row = EvidenceItemAnswer.objects.get(answer=api_world.submitted, item=item)
    assert row.state == ItemState.ACCEPTED
    assert api_as("officer").post(url, {"decision": "accepted"}, format="json").status_code == 403


def test_links_with_bidi_characters_are_refused_and_idn_hosts_stored_in_ascii(api_world, api_as):
    client = api_as("officer")
    url = reverse("api:evidence-link-list")
    answer = str(api_world.draft.public_id)
    before = EvidenceLink.objects.count()
    bad = client.post(url, {"answer": answer, "url": "https://ex\u202eample.test/"}, format="json")
    assert bad.status_code == 400 and bad.json()["detail"]
    assert EvidenceLink.objects.count() == before
    added = client.post(url, {"answer": answer, "url": "https://bücher.example/"}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["url"] == "https://xn--bcher-kva.example/"
