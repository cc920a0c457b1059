"""The officer's side of an answer: saving the level and explanation,
submitting, withdrawing a submission no reviewer has decided yet. HTML views
and the API call these; each checks its own input and hands the change to
assessments.lifecycle, which owns every write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from assessments import access, items, lifecycle
from assessments.errors import DeadlinePassed, InvalidLevel, NotReady
from assessments.models import Answer, EvaluationPeriod
from assessments.notifications import notices
from spbe_portal.errors import DomainError, Invalid

EXPLANATION_MAX = 20_000


def check_version(expected_version) -> int:
    try:
        return int(expected_version)
    except (TypeError, ValueError):
        raise Invalid(_("Versi formulir tidak valid; muat ulang halaman.")) from None


def normalise_explanation(explanation) -> str:
    text = ("" if explanation is None else str(explanation)).replace("\r\n", "\n")
    text = text.replace("\r", "\n")
    if "\x00" in text:
        raise Invalid(_("Penjelasan berisi karakter yang tidak sah."))
    if len(text) > EXPLANATION_MAX:
        raise Invalid(
            _("Penjelasan terlalu panjang (maksimum %(max)s karakter).") % {"max": EXPLANATION_MAX}
        )
    return text


def check_level(level, framework) -> int | None:
    if level in (None, ""):
        return None
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise InvalidLevel() from None
    # value_floor: Pemdi's 0 ("belum terindikasi") is a valid value; SPBE starts at 1.
    if not framework.admits(level):
        raise InvalidLevel(
            _("Tingkat harus antara %(min)s dan %(max)s.")
            % {"min": framework.value_floor, "max": framework.level_max}
        )
    return level


def answer_save(*, answer: Answer, user, level, explanation, expected_version) -> Answer:
    """Save the proposed level and explanation of a draft or returned answer.
    Saving values identical to the stored ones is a no-op. Of several
    parallel saves from the same page exactly one wins; the others get
    Conflict carrying the newer answer."""
    expected_version = check_version(expected_version)

    def prepare(current: Answer) -> dict:
        framework = current.period.framework
        chosen = check_level(level, framework)
        if items.uses_items(framework):
            # Item mode: the proposed level is what the attached evidence reaches.
            claimed = items.claimed_level(current)
            if chosen not in (None, claimed):
                raise InvalidLevel(
                    _(
                        "Pada kerangka berbutir, tingkat usulan mengikuti butir bukti yang "
                        "dilampirkan (%(level)s)."
                    )
                    % {"level": claimed}
                )
            chosen = claimed
        return {"proposed_level": chosen, "explanation": normalise_explanation(explanation)}

    return lifecycle.apply(
        "save", answer, user=user, expected_version=expected_version, prepare=prepare
    )


def _ready(current: Answer) -> dict:
    if current.proposed_level is None or not current.explanation.strip():
        raise NotReady()
    if current.period.evidence_required:
        missing = missing_evidence(current)
        if missing:
            raise NotReady(missing)
    return {}


def missing_evidence(answer: Answer) -> str:
    """Why the answer may not go to the reviewers yet for want of evidence
    (empty when it may): at least one file or link, and in Pemdi's item
    mode a file on every item the claimed level counts on."""
    files = answer.evidence_files.filter(withdrawn_at__isnull=True)
    if items.uses_items(answer.period.framework):
        if not files.filter(item__isnull=False).exists():
            return _(
                "Lampirkan data dukung pada butir bukti sebelum mengajukan; "
                "belum ada butir yang memiliki berkas."
            )
        return ""
    if files.exists() or answer.evidence_links.filter(withdrawn_at__isnull=True).exists():
        return ""
    return _(
        "Lampirkan minimal satu berkas atau tautan data dukung sebelum mengajukan "
        "(periode ini mewajibkan data dukung)."
    )


def answer_submit(*, answer: Answer, user, expected_version) -> Answer:
    """Submit a draft or returned answer for review: it needs a level, a
    non-empty explanation and (where the period asks) evidence, and becomes
    read-only until returned. The reviewers hear of it (grouped per day)."""
    with lifecycle.operation("submit"):
        submitted = lifecycle.apply(
            "submit",
            answer,
            user=user,
            expected_version=check_version(expected_version),
            prepare=_ready,
        )
        notices.answers_submitted_notify(period=submitted.period)
    return submitted


def answer_withdraw(*, answer: Answer, user, expected_version) -> Answer:
    """Take back a submission that no reviewer has decided yet (the answer
    is a draft again) while the fill window is open."""
    return lifecycle.apply(
        "withdraw", answer, user=user, expected_version=check_version(expected_version)
    )


@dataclass
class SubmitAllResult:
    submitted: list[Answer] = field(default_factory=list)
    not_ready: list[Answer] = field(default_factory=list)
    failed: list[tuple[Answer, str]] = field(default_factory=list)


def answers_submit_all(*, user, period: EvaluationPeriod) -> SubmitAllResult:
    """Submit every draft or returned answer of the user's OPDs in `period`
    that has a level and an explanation; report those that are not ready
    and those refused (e.g. changed meanwhile)."""
    if not period.accepts_answers():
        raise DeadlinePassed()
    result = SubmitAllResult()
    opds = access.scope_for(user).officer_opds
    candidates = (
        Answer.objects.filter(period=period, opd_id__in=opds, state__in=lifecycle.EDITABLE)
        .select_related("indicator")
        .order_by("indicator__position")
    )
    with lifecycle.operation("submit"):
        for answer in candidates:
            if answer.proposed_level is None or not answer.explanation.strip():
                result.not_ready.append(answer)
                continue
            try:
                # A savepoint each: one refusal leaves the others submitted.
                with transaction.atomic():
                    result.submitted.append(
                        answer_submit(answer=answer, user=user, expected_version=answer.version)
                    )
            except DomainError as exc:
                result.failed.append((answer, exc.message))
    return result
