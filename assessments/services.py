"""The officer's side of the workflow: saving and submitting answers and
adding or withdrawing evidence. HTML views, the API and the reviewer code all
call these functions, so every rule (deadline, lock, permission, level range,
optimistic concurrency, audit trail) lives here once.

Every function raises a ServiceError subclass with a translated message
when the change is refused, and then changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import access
from assessments.evidence import EvidenceRejected, evidence_check, evidence_link_url
from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    EventKind,
    EvidenceFile,
    EvidenceLink,
)

# Answers change only in these states; submitted and validated ones are
# read-only until a reviewer returns them.
EDITABLE_STATES = (AnswerState.DRAFT, AnswerState.RETURNED)
EXPLANATION_MAX = 20_000


class ServiceError(Exception):
    """A refused change. `status` is the HTTP status a view should answer with."""

    status = 400

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message()
        super().__init__(self.message)

    def default_message(self) -> str:
        return _("Perubahan ditolak.")


class NotAllowed(ServiceError):
    status = 403

    def default_message(self):
        return _("Anda tidak berwenang mengubah jawaban ini.")


class DeadlinePassed(ServiceError):
    status = 403

    def default_message(self):
        return _("Periode ini tidak sedang menerima jawaban (batas pengisian telah lewat).")


class AnswerLocked(ServiceError):
    status = 409

    def default_message(self):
        return _(
            "Jawaban sudah diajukan atau tervalidasi dan hanya dapat dibaca sampai "
            "dikembalikan oleh asesor."
        )


class InvalidLevel(ServiceError):
    def default_message(self):
        return _("Tingkat tidak valid untuk kerangka periode ini.")


class InvalidInput(ServiceError):
    pass


class NotReady(ServiceError):
    def default_message(self):
        return _("Pilih tingkat dan isi penjelasan sebelum mengajukan.")


class EvidenceRefused(ServiceError):
    pass


class Conflict(ServiceError):
    """Someone saved the answer since the form was loaded. `current` is the
    newer version, so the UI can show it beside what the user typed."""

    status = 409

    def __init__(self, current: Answer, message: str | None = None):
        self.current = current
        super().__init__(message)

    def default_message(self):
        return _(
            "Jawaban ini telah diubah orang lain sejak halaman Anda dimuat. "
            "Periksa versi terbaru di bawah; isian Anda belum disimpan dan tetap ditampilkan."
        )


# --- helpers -----------------------------------------------------------------


def _event(answer: Answer, user, kind: str, **values) -> AnswerEvent:
    return AnswerEvent(answer=answer, actor=user, kind=kind, **values)


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _check_period(period: EvaluationPeriod) -> None:
    if not period.accepts_answers():
        raise DeadlinePassed()


def _check_state(answer: Answer) -> None:
    if answer.state not in EDITABLE_STATES:
        raise AnswerLocked()


def _fresh(answer: Answer) -> Answer:
    return Answer.objects.select_related("period__framework").get(pk=answer.pk)


def _announce(answer: Answer, *fields: str) -> Answer:
    """The conditional UPDATE that guards concurrency sends no post_save, but
    listeners (reports' index snapshots) must still hear of the change."""
    post_save.send(
        sender=Answer,
        instance=answer,
        created=False,
        update_fields=frozenset(fields),
        raw=False,
        using=router.db_for_write(Answer),
    )
    return answer


def _refused_update(answer: Answer, expected_version: int) -> ServiceError:
    """Why a conditional update touched no row: locked meanwhile, or stale."""
    current = _fresh(answer)
    if current.state not in EDITABLE_STATES:
        return AnswerLocked()
    return Conflict(current)


def _normalise_explanation(explanation) -> str:
    text = _as_text(explanation).replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise InvalidInput(_("Penjelasan berisi karakter yang tidak sah."))
    if len(text) > EXPLANATION_MAX:
        raise InvalidInput(
            _("Penjelasan terlalu panjang (maksimum %(max)s karakter).") % {"max": EXPLANATION_MAX}
        )
    return text


def _check_level(level, framework) -> int | None:
    if level in (None, ""):
        return None
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise InvalidLevel() from None
    # value_floor: Pemdi's 0 ("belum terindikasi") is a valid value; SPBE starts at 1.
    if not framework.value_floor <= level <= framework.level_max:
        raise InvalidLevel(
            _("Tingkat harus antara %(min)s dan %(max)s.")
            % {"min": framework.value_floor, "max": framework.level_max}
        )
    return level


def _check_version(expected_version) -> int:
    try:
        return int(expected_version)
    except (TypeError, ValueError):
        raise InvalidInput(_("Versi formulir tidak valid; muat ulang halaman.")) from None


# --- answers ---------------------------------------------------------------------


@transaction.atomic
def answer_save(*, answer: Answer, user, level, explanation, expected_version) -> Answer:
    """Save the proposed level and explanation of a draft or returned answer.

    Optimistic concurrency: the row is updated only where its version still
    equals `expected_version`, so of several parallel saves from the same
    page exactly one wins; the others get Conflict carrying the newer answer.
    Saving values identical to the stored ones is a no-op. Returns the fresh
    answer."""
    expected_version = _check_version(expected_version)
    current = _fresh(answer)
    if not access.can_edit_answer(user, current):
        raise NotAllowed()
    _check_period(current.period)
    _check_state(current)
    level = _check_level(level, current.period.framework)
    from assessments import items

    if items.uses_items(current.period.framework):
        # Item mode: the proposed level is what the attached evidence reaches.
        claimed = items.claimed_level(current)
        if level not in (None, claimed):
            raise InvalidLevel(
                _(
                    "Pada kerangka berbutir, tingkat usulan mengikuti butir bukti yang "
                    "dilampirkan (%(level)s)."
                )
                % {"level": claimed}
            )
        level = claimed
    explanation = _normalise_explanation(explanation)

    changes = [
        (name, getattr(current, name), value)
        for name, value in (("proposed_level", level), ("explanation", explanation))
        if getattr(current, name) != value
    ]
    if not changes:
        return current
    if current.version != expected_version:
        raise Conflict(current)
    updated = Answer.objects.filter(
        pk=current.pk, version=expected_version, state__in=EDITABLE_STATES
    ).update(
        proposed_level=level,
        explanation=explanation,
        version=F("version") + 1,
        updated_at=timezone.now(),
        updated_by=user,
    )
    if not updated:
        raise _refused_update(current, expected_version)
    AnswerEvent.objects.bulk_create(
        _event(
            current,
            user,
            EventKind.SAVED,
            field=name,
            value_before=_as_text(before),
            value_after=_as_text(after),
        )
        for name, before, after in changes
    )
    return _announce(_fresh(current), *(name for name, _before, _after in changes))


@transaction.atomic
def answer_submit(*, answer: Answer, user, expected_version) -> Answer:
    """Submit a draft or returned answer for review: it needs a level and a
    non-empty explanation, and becomes read-only until returned."""
    expected_version = _check_version(expected_version)
    current = _fresh(answer)
    if not access.can_edit_answer(user, current):
        raise NotAllowed()
    _check_period(current.period)
    _check_state(current)
    if current.version != expected_version:
        raise Conflict(current)
    if current.proposed_level is None or not current.explanation.strip():
        raise NotReady()
    now = timezone.now()
    updated = Answer.objects.filter(
        pk=current.pk, version=expected_version, state__in=EDITABLE_STATES
    ).update(
        state=AnswerState.SUBMITTED,
        submitted_at=now,
        version=F("version") + 1,
        updated_at=now,
        updated_by=user,
    )
    if not updated:
        raise _refused_update(current, expected_version)
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.SUBMITTED,
        state_before=current.state,
        state_after=AnswerState.SUBMITTED,
    )
    return _announce(_fresh(current), "state", "submitted_at")


@dataclass
class SubmitAllResult:
    submitted: list[Answer] = field(default_factory=list)
    not_ready: list[Answer] = field(default_factory=list)
    failed: list[tuple[Answer, str]] = field(default_factory=list)


@transaction.atomic
def answers_submit_all(*, user, period: EvaluationPeriod) -> SubmitAllResult:
    """Submit every draft or returned answer of the user's OPDs in `period`
    that has a level and an explanation; report those that are not ready
    and those refused (e.g. changed meanwhile)."""
    _check_period(period)
    result = SubmitAllResult()
    opds = access.scope_for(user).officer_opds
    candidates = (
        Answer.objects.filter(period=period, opd_id__in=opds, state__in=EDITABLE_STATES)
        .select_related("indicator")
        .order_by("indicator__position")
    )
    for answer in candidates:
        if answer.proposed_level is None or not answer.explanation.strip():
            result.not_ready.append(answer)
            continue
        try:
            result.submitted.append(
                answer_submit(answer=answer, user=user, expected_version=answer.version)
            )
        except ServiceError as exc:
            result.failed.append((answer, exc.message))
    return result


def answers_ensure(*, period: EvaluationPeriod) -> int:
    """Create the missing Answer rows of `period`: one per assignment, owned
    by the assignment's responsible OPD, as an empty draft. Idempotent; call
    it whenever a period opens or its assignments change (period management,
    seeding, "start from last year"). An answer nobody has touched yet
    (version 1, still a draft) follows its assignment to a new responsible
    OPD; answers with work in them stay where they are. Returns the number
    of answers created."""
    with transaction.atomic():
        assignments = list(
            Assignment.objects.filter(period=period).values_list(
                "indicator_id", "responsible_opd_id"
            )
        )
        existing = dict(Answer.objects.filter(period=period).values_list("indicator_id", "opd_id"))
        missing = [
            Answer(period=period, indicator_id=indicator_id, opd_id=opd_id)
            for indicator_id, opd_id in assignments
            if indicator_id not in existing
        ]
        Answer.objects.bulk_create(missing, ignore_conflicts=True)
        for indicator_id, opd_id in assignments:
            if indicator_id in existing and existing[indicator_id] != opd_id:
                Answer.objects.filter(
                    period=period, indicator_id=indicator_id, version=1, state=AnswerState.DRAFT
                ).update(opd_id=opd_id)
        # Imported here: items builds on this module.
        from assessments.items import external_answers_prime

        external_answers_prime(period=period)
    return len(missing)


# --- evidence --------------------------------------------------------------------


def _lock_for_evidence(answer: Answer, user) -> Answer:
    """The answer row locked for the rest of the transaction, so a submit
    racing an upload sees either both or neither."""
    if not access.can_add_evidence(user, answer):
        raise NotAllowed(_("Anda tidak berwenang mengubah data dukung jawaban ini."))
    current = (
        Answer.objects.select_for_update(of=("self",)).select_related("period").get(pk=answer.pk)
    )
    _check_period(current.period)
    _check_state(current)
    return current


def _may_withdraw(user, answer: Answer, added_by_id: int) -> bool:
    # Contributors withdraw what they added; the responsible OPD any of it.
    return access.can_edit_answer(user, answer) or (
        added_by_id == user.pk and access.can_add_evidence(user, answer)
    )


@transaction.atomic
def evidence_add(*, answer: Answer, user, uploaded_file) -> EvidenceFile:
    """Check the file's content (see assessments.evidence) and store it with
    its SHA-256. A refused file is never written to storage."""
    if not access.can_add_evidence(user, answer):
        raise NotAllowed(_("Anda tidak berwenang mengubah data dukung jawaban ini."))
    # Read and hash the file before taking the row lock, so the lock is short.
    try:
        checked = evidence_check(uploaded_file)
    except EvidenceRejected as exc:
        raise EvidenceRefused(exc.message) from None
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
        raise InvalidInput(_("Data dukung ini sudah ditarik."))
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.EVIDENCE_WITHDRAWN,
        field="evidence_file",
        value_before=f"{evidence.original_name} · SHA-256 {evidence.sha256[:12]}",
    )
    evidence.withdrawn_at = now
    if evidence.item_id:
        from assessments.items import item_claim_sync

        item_claim_sync(answer=current, user=user)
    return evidence


@transaction.atomic
def evidence_link_add(*, answer: Answer, user, url: str, note: str = "") -> EvidenceLink:
    """Add a link (e.g. a service's address with a test account in the note)."""
    current = _lock_for_evidence(answer, user)
    url = _as_text(url).strip()
    note = _as_text(note).strip()
    try:
        url = evidence_link_url(url)
    except ValidationError:
        raise InvalidInput(
            _("Tautan harus berupa alamat http:// atau https:// yang sah.")
        ) from None
    if len(url) > 500 or len(note) > 500:
        raise InvalidInput(_("Tautan dan keterangan masing-masing maksimum 500 karakter."))
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
        raise InvalidInput(_("Tautan ini sudah ditarik."))
    AnswerEvent.objects.create(
        answer=current,
        actor=user,
        kind=EventKind.EVIDENCE_WITHDRAWN,
        field="evidence_link",
        value_before=f"{link.url} {link.note}".strip(),
    )
    link.withdrawn_at = now
    return link
