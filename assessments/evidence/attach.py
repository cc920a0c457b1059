"""Attaching evidence to an answer and withdrawing it: files (checked by
content in assessments.evidence.checks, hashed, private) and links. Evidence
is never hard-deleted. Adding or withdrawing evidence writes an event but does
not change the answer's levels, except in Pemdi's evidence-item mode, where
the claimed level follows the items that have evidence (assessments.items,
through the lifecycle).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import access, items
from assessments.errors import AnswerLocked, DeadlinePassed
from assessments.evidence.checks import EvidenceRejected, evidence_check
from assessments.evidence.links import evidence_link_url
from assessments.lifecycle import EDITABLE
from assessments.models import (
    Answer,
    AnswerEvent,
    EventKind,
    EvidenceFile,
    EvidenceItemAnswer,
    EvidenceLink,
    ItemState,
)
from spbe_portal.errors import Invalid, NotAllowed


def _lock_for_evidence(answer: Answer, user) -> Answer:
    """The answer row locked for the rest of the transaction, so a submit
    racing an upload sees either both or neither."""
    if not access.can_add_evidence(user, answer):
        raise NotAllowed(_("Anda tidak berwenang mengubah data dukung jawaban ini."))
    current = (
        Answer.objects.select_for_update(of=("self",)).select_related("period").get(pk=answer.pk)
    )
    if not current.period.accepts_answers():
        raise DeadlinePassed()
    if current.state not in EDITABLE:
        raise AnswerLocked()
    return current


def _may_withdraw(user, answer: Answer, added_by_id: int) -> bool:
    # Contributors withdraw what they added; the responsible OPD any of it.
    return access.can_edit_answer(user, answer) or (
        added_by_id == user.pk and access.can_add_evidence(user, answer)
    )


@transaction.atomic
def evidence_add(*, answer: Answer, user, uploaded_file) -> EvidenceFile:
    """Check the file's content (see assessments.evidence.checks) and store it with
    its SHA-256. A refused file is never written to storage."""
    if not access.can_add_evidence(user, answer):
        raise NotAllowed(_("Anda tidak berwenang mengubah data dukung jawaban ini."))
    # Read and hash the file before taking the row lock, so the lock is short.
    try:
        checked = evidence_check(uploaded_file)
    except EvidenceRejected as exc:
        raise Invalid(exc.message) from None
    current = _lock_for_evidence(answer, user)
    evidence = EvidenceFile(
        answer=current,
        original_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    evidence.file.save("evidence", uploaded_file, save=False)
    try:
        evidence.save()
        AnswerEvent.objects.create(
            answer=current,
            actor=user,
            kind=EventKind.EVIDENCE_ADDED,
            field="evidence_file",
            value_after=f"{checked.display_name} · SHA-256 {checked.sha256[:12]}",
        )
    except Exception:
        # The rows roll back; the stored file must not stay behind as an orphan.
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_withdraw(*, evidence: EvidenceFile, user) -> EvidenceFile:
    """Withdraw (soft-delete) an evidence file: it disappears from the
    answer but stays stored and downloadable for the audit trail."""
    current = _lock_for_evidence(evidence.answer, user)
    if not _may_withdraw(user, current, evidence.uploaded_by_id):
        raise NotAllowed(_("Anda tidak berwenang menarik data dukung ini."))
    now = timezone.now()
    if not EvidenceFile.objects.filter(pk=evidence.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    ):
        raise Invalid(_("Data dukung ini sudah ditarik."))
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.EVIDENCE_WITHDRAWN,
        field="evidence_file",
        value_before=f"{evidence.original_name} · SHA-256 {evidence.sha256[:12]}",
    )
    evidence.withdrawn_at = now
    if evidence.item_id:
        items.claim_sync(answer=current, user=user)
    return evidence


@transaction.atomic
def evidence_link_add(*, answer: Answer, user, url: str, note: str = "") -> EvidenceLink:
    """Add a link (e.g. a service's address with a test account in the note)."""
    current = _lock_for_evidence(answer, user)
    url = ("" if url is None else str(url)).strip()
    note = ("" if note is None else str(note)).strip()
    try:
        url = evidence_link_url(url)
    except ValidationError:
        raise Invalid(_("Tautan harus berupa alamat http:// atau https:// yang sah.")) from None
    if len(url) > 500 or len(note) > 500:
        raise Invalid(_("Tautan dan keterangan masing-masing maksimum 500 karakter."))
    link = EvidenceLink.objects.create(answer=current, url=url, note=note, added_by=user)
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.EVIDENCE_ADDED,
        field="evidence_link",
        value_after=f"{url} {note}".strip(),
    )
    return link


@transaction.atomic
def evidence_link_withdraw(*, link: EvidenceLink, user) -> EvidenceLink:
    current = _lock_for_evidence(link.answer, user)
    if not _may_withdraw(user, current, link.added_by_id):
        raise NotAllowed(_("Anda tidak berwenang menarik tautan ini."))
    now = timezone.now()
    if not EvidenceLink.objects.filter(pk=link.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    ):
        raise Invalid(_("Tautan ini sudah ditarik."))
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.EVIDENCE_WITHDRAWN,
        field="evidence_link",
        value_before=f"{link.url} {link.note}".strip(),
    )
    link.withdrawn_at = now
    return link


@transaction.atomic
def item_evidence_add(*, answer: Answer, user, item_id, uploaded_file) -> EvidenceFile:
    """Attach a file to one evidence item. A returned item goes back to
    pending: the officer has answered the reviewer's note."""
    item = items.item_of(answer, item_id)
    evidence = evidence_add(answer=answer, user=user, uploaded_file=uploaded_file)
    EvidenceFile.objects.filter(pk=evidence.pk).update(item=item)
    evidence.item = item
    EvidenceItemAnswer.objects.filter(answer=answer, item=item, state=ItemState.RETURNED).update(
        state=ItemState.PENDING
    )
    items.claim_sync(answer=answer, user=user)
    return evidence
