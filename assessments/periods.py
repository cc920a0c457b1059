"""An administrator's work on evaluation periods: creating one (with its
assignments and, optionally, last year's answers as drafts), moving it
through its states, reassigning indicators, and recording final levels."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from assessments import default_assignment, lifecycle
from assessments.access import can_manage_instansi
from assessments.models import (
    OPD,
    Answer,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    EvidenceLink,
    Instansi,
    PeriodState,
)
from assessments.people.audit import acting_as, note_latest
from indicators import scoring
from indicators.bases import LEVEL_FIELD
from indicators.models import FrameworkVersion
from spbe_portal.errors import NotAllowed

# The one way through a period's life; nothing skips a step or goes back,
# so reports can trust that a published period went through review.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PeriodState.DRAFT: (PeriodState.OPEN,),
    PeriodState.OPEN: (PeriodState.IN_REVIEW,),
    PeriodState.IN_REVIEW: (PeriodState.CLOSED,),
    PeriodState.CLOSED: (PeriodState.PUBLISHED,),
    PeriodState.PUBLISHED: (),
}
# One step back, with a reason: a period moved on by mistake can be undone.
BACK = {
    PeriodState.OPEN: PeriodState.DRAFT,
    PeriodState.IN_REVIEW: PeriodState.OPEN,
    PeriodState.CLOSED: PeriodState.IN_REVIEW,
    PeriodState.PUBLISHED: PeriodState.CLOSED,
}
WINDOWS_EDITABLE = (PeriodState.DRAFT, PeriodState.OPEN)
ASSIGNMENTS_EDITABLE = (PeriodState.DRAFT, PeriodState.OPEN)
FINAL_LEVELS_EDITABLE = (PeriodState.CLOSED, PeriodState.PUBLISHED)


def allowed_transitions(period: EvaluationPeriod) -> tuple[str, ...]:
    return TRANSITIONS.get(period.state, ())


def _require(user, instansi: Instansi) -> None:
    """Who may move a period: its instansi's administrators (user=None is
    the command line). Every move is audited under the user (django-auditlog
    records the state and schedule fields from what to what)."""
    if user is not None and not can_manage_instansi(user, instansi):
        raise NotAllowed()


def windows_check(*, fill_opens_at, fill_closes_at, review_closes_at) -> None:
    errors = []
    if fill_opens_at >= fill_closes_at:
        errors.append(_("Batas pengisian harus sesudah waktu pengisian dibuka."))
    if review_closes_at < fill_closes_at:
        errors.append(_("Batas penilaian tidak boleh sebelum batas pengisian."))
    if errors:
        raise ValidationError(errors)


def target_check(*, framework: FrameworkVersion, target_index: Decimal | None) -> None:
    if target_index is None:
        return
    if not (Decimal(0) <= target_index <= Decimal(framework.level_max)):
        raise ValidationError(
            _("Target indeks harus antara 0 dan %(max)s.") % {"max": framework.level_max}
        )


def previous_period(*, instansi: Instansi, year: int, framework: FrameworkVersion):
    """The latest earlier period of the instansi on the same framework."""
    return (
        EvaluationPeriod.objects.filter(instansi=instansi, year__lt=year, framework=framework)
        .order_by("-year")
        .first()
    )


@transaction.atomic
def period_create(
    *,
    instansi: Instansi,
    year: int,
    framework: FrameworkVersion,
    fill_opens_at,
    fill_closes_at,
    review_closes_at,
    target_index: Decimal | None = None,
    copy_from_previous: bool = False,
    user=None,
) -> EvaluationPeriod:
    """Creates a draft period with one assignment and one answer per indicator.

    Assignments come from the previous period on the same framework when
    there is one (the instansi's own choices carry over), else from the
    default map. With copy_from_previous, last year's levels, explanations
    and evidence links become this year's drafts; evidence files are not
    copied (they document last year and must be uploaded afresh).
    """
    _require(user, instansi)
    windows_check(
        fill_opens_at=fill_opens_at,
        fill_closes_at=fill_closes_at,
        review_closes_at=review_closes_at,
    )
    target_check(framework=framework, target_index=target_index)
    if EvaluationPeriod.objects.filter(instansi=instansi, year=year).exists():
        raise ValidationError(
            _("Periode tahun %(year)s untuk instansi ini sudah ada.") % {"year": year}
        )
    previous = previous_period(instansi=instansi, year=year, framework=framework)
    if copy_from_previous and previous is None:
        raise ValidationError(
            _(
                "Tidak ada periode sebelumnya dengan kerangka yang sama untuk disalin. "
                "Hapus centang 'salin dari tahun lalu' atau pilih kerangka lain."
            )
        )
    with acting_as(user):
        period = EvaluationPeriod.objects.create(
            instansi=instansi,
            year=year,
            framework=framework,
            state=PeriodState.DRAFT,
            fill_opens_at=fill_opens_at,
            fill_closes_at=fill_closes_at,
            review_closes_at=review_closes_at,
            target_index=target_index,
        )
    _assignments_create(period=period, previous=previous)
    lifecycle.answers_ensure(period=period)
    if copy_from_previous:
        _answers_copy(period=period, previous=previous, user=user)
    return period


def _assignments_create(*, period: EvaluationPeriod, previous: EvaluationPeriod | None) -> None:
    indicators = list(period.framework.indicators.order_by("position"))
    active = {opd.id: opd for opd in OPD.objects.filter(instansi=period.instansi, active=True)}
    routes: dict[int, tuple[int, list[int]]] = {}
    if previous is not None:
        for old in Assignment.objects.filter(period=previous).prefetch_related("contributors"):
            if old.responsible_opd_id in active:
                routes[old.indicator_id] = (
                    old.responsible_opd_id,
                    [c.id for c in old.contributors.all() if c.id in active],
                )
    todo = [i for i in indicators if i.id not in routes]
    if todo:
        opds_by_key: dict[str, int] = {}
        for opd in sorted(active.values(), key=lambda o: o.code):
            if opd.function_key:
                opds_by_key.setdefault(opd.function_key, opd.id)
        try:
            by_code = default_assignment.resolve(
                framework_code=period.framework.code,
                indicator_codes=[i.code for i in todo],
                opds_by_key=opds_by_key,
            )
        except default_assignment.MissingFunction as missing:
            raise ValidationError(
                _(
                    "Penugasan bawaan membutuhkan OPD aktif dengan fungsi: %(keys)s. "
                    "Tandai fungsi OPD di menu Organisasi terlebih dahulu."
                )
                % {"keys": ", ".join(missing.keys)}
            ) from None
        for indicator in todo:
            routes[indicator.id] = by_code[indicator.code]
    created = Assignment.objects.bulk_create(
        Assignment(period=period, indicator=i, responsible_opd_id=routes[i.id][0])
        for i in indicators
    )
    through = Assignment.contributors.through
    through.objects.bulk_create(
        through(assignment_id=a.id, opd_id=opd_id)
        for a in created
        for opd_id in routes[a.indicator_id][1]
        if opd_id != a.responsible_opd_id
    )


def _answers_copy(*, period: EvaluationPeriod, previous: EvaluationPeriod, user) -> None:
    old_by_indicator = {
        a.indicator_id: a
        for a in Answer.objects.filter(period=previous).prefetch_related("evidence_links")
    }
    comment = _("Disalin dari periode %(year)s") % {"year": previous.year}
    links = []
    drafts = Answer.objects.filter(period=period, state=AnswerState.DRAFT).select_related(
        "period__framework", "indicator", "opd"
    )
    with lifecycle.operation("copy_previous"):
        for answer in drafts:
            old = old_by_indicator.get(answer.indicator_id)
            if old is None:
                continue
            old_links = [link for link in old.evidence_links.all() if link.withdrawn_at is None]
            if old.proposed_level is None and not old.explanation and not old_links:
                continue
            copied = lifecycle.apply(
                "copy_previous",
                answer,
                user=user,
                reload=False,
                prepare=lambda _current, old=old: {
                    "proposed_level": old.proposed_level,
                    "explanation": old.explanation,
                },
                event={"comment": comment},
            )
            links += [
                EvidenceLink(answer=copied, url=link.url, note=link.note, added_by=link.added_by)
                for link in old_links
            ]
        EvidenceLink.objects.bulk_create(links)


@transaction.atomic
def period_transition(*, period: EvaluationPeriod, user, to_state: str) -> EvaluationPeriod:
    locked = (
        EvaluationPeriod.objects.select_for_update().select_related("instansi").get(pk=period.pk)
    )
    _require(user, locked.instansi)
    if to_state not in allowed_transitions(locked):
        labels = dict(PeriodState.choices)
        raise ValidationError(
            _("Periode berstatus '%(current)s' tidak dapat diubah menjadi '%(target)s'.")
            % {
                "current": labels.get(locked.state, locked.state),
                "target": labels.get(to_state, to_state),
            }
        )
    if to_state == PeriodState.OPEN:
        assigned = Assignment.objects.filter(period=locked).count()
        if assigned < locked.framework.indicators.count():
            raise ValidationError(
                _("Belum semua indikator memiliki OPD penanggung jawab; periode belum bisa dibuka.")
            )
    locked.state = to_state
    with acting_as(user):
        locked.save(update_fields=["state"])
    period.state = to_state
    return locked


@transaction.atomic
def period_step_back(*, period: EvaluationPeriod, user, reason: str) -> EvaluationPeriod:
    """Move the period one step back (e.g. "Dalam penilaian" back to open),
    with a required reason kept in the period's audit trail beside the
    change itself. Answers are left as they are."""
    locked = (
        EvaluationPeriod.objects.select_for_update().select_related("instansi").get(pk=period.pk)
    )
    _require(user, locked.instansi)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan memundurkan status periode."))
    if len(reason) > 1000:
        raise ValidationError(_("Alasan maksimum 1.000 karakter."))
    target = BACK.get(locked.state)
    if target is None:
        raise ValidationError(_("Periode berstatus draf tidak dapat dimundurkan."))
    locked.state = target
    with acting_as(user):
        locked.save(update_fields=["state"])
    note_latest(locked, reason=reason)
    period.state = target
    return locked


@transaction.atomic
def period_delete(*, period: EvaluationPeriod, user) -> None:
    """Removes a period created by mistake (wrong year or framework: the year
    is unique, so it would otherwise block the real one). Only while draft,
    before any officer could have worked in it."""
    locked = (
        EvaluationPeriod.objects.select_for_update().select_related("instansi").get(pk=period.pk)
    )
    _require(user, locked.instansi)
    if locked.state != PeriodState.DRAFT:
        raise ValidationError(_("Hanya periode berstatus draf yang dapat dihapus."))
    try:
        with acting_as(user):
            locked.delete()
    except ProtectedError:
        raise ValidationError(
            _("Periode ini sudah memiliki data yang harus disimpan dan tidak dapat dihapus.")
        ) from None


@transaction.atomic
def period_windows_update(
    *,
    period: EvaluationPeriod,
    fill_opens_at,
    fill_closes_at,
    review_closes_at,
    target_index,
    user=None,
) -> EvaluationPeriod:
    locked = (
        EvaluationPeriod.objects.select_for_update().select_related("instansi").get(pk=period.pk)
    )
    _require(user, locked.instansi)
    if locked.state not in WINDOWS_EDITABLE:
        raise ValidationError(
            _("Jadwal hanya dapat diubah selama periode berstatus draf atau dibuka.")
        )
    windows_check(
        fill_opens_at=fill_opens_at,
        fill_closes_at=fill_closes_at,
        review_closes_at=review_closes_at,
    )
    target_check(framework=locked.framework, target_index=target_index)
    locked.fill_opens_at = fill_opens_at
    locked.fill_closes_at = fill_closes_at
    locked.review_closes_at = review_closes_at
    locked.target_index = target_index
    with acting_as(user):
        locked.save(
            update_fields=["fill_opens_at", "fill_closes_at", "review_closes_at", "target_index"]
        )
    return locked


@transaction.atomic
def assignments_update_bulk(
    *,
    period: EvaluationPeriod,
    indicator_ids,
    responsible_opd: OPD | None = None,
    contributors=None,
    user=None,
) -> int:
    """Sets the responsible OPD and/or the contributors (None = unchanged) of
    the given indicators. Answers follow their assignment to the new OPD, with
    a 'reassigned' event. Returns the number of assignments changed."""
    locked = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.state not in ASSIGNMENTS_EDITABLE:
        raise ValidationError(
            _("Penugasan hanya dapat diubah selama periode berstatus draf atau dibuka.")
        )
    if responsible_opd is None and contributors is None:
        raise ValidationError(_("Pilih OPD penanggung jawab atau OPD kontributor yang baru."))
    indicator_ids = {int(i) for i in indicator_ids}
    if not indicator_ids:
        raise ValidationError(_("Pilih minimal satu indikator."))
    chosen = [responsible_opd] if responsible_opd is not None else []
    chosen += list(contributors or [])
    if any(o.instansi_id != locked.instansi_id or not o.active for o in chosen):
        raise ValidationError(_("OPD yang dipilih bukan OPD aktif instansi ini."))
    assignments = list(
        Assignment.objects.filter(period=locked, indicator_id__in=indicator_ids)
        .select_related("responsible_opd")
        .prefetch_related("contributors")
    )
    if len(assignments) != len(indicator_ids):
        raise ValidationError(_("Sebagian indikator yang dipilih bukan bagian dari periode ini."))

    changed = set()
    if responsible_opd is not None:
        moved = [a for a in assignments if a.responsible_opd_id != responsible_opd.id]
        before = {a.indicator_id: a.responsible_opd for a in moved}
        for a in moved:
            a.responsible_opd = responsible_opd
            changed.add(a.id)
        Assignment.objects.bulk_update(moved, ["responsible_opd"])
        answers = Answer.objects.filter(period=locked, indicator_id__in=before).exclude(
            opd=responsible_opd
        )
        with lifecycle.operation("reassign"):
            for answer in answers.select_related("period__framework", "indicator", "opd"):
                lifecycle.apply(
                    "reassign",
                    answer,
                    user=user,
                    reload=False,
                    prepare=lambda _current: {"opd": responsible_opd},
                    event={
                        "value_before": before[answer.indicator_id].short_name,
                        "value_after": responsible_opd.short_name,
                    },
                )

    through = Assignment.contributors.through
    if contributors is not None:
        wanted_ids = {o.id for o in contributors}
        rows = []
        for a in assignments:
            target = wanted_ids - {a.responsible_opd_id}
            if {c.id for c in a.contributors.all()} != target:
                changed.add(a.id)
            rows += [through(assignment_id=a.id, opd_id=opd_id) for opd_id in sorted(target)]
        through.objects.filter(assignment__in=assignments).delete()
        through.objects.bulk_create(rows)
    elif responsible_opd is not None:
        # The responsible OPD does not also contribute to its own indicator.
        through.objects.filter(assignment__in=assignments, opd=responsible_opd).delete()
    return len(changed)


@transaction.atomic
def final_levels_set(*, period: EvaluationPeriod, user, levels: dict) -> int:
    """Records the nationally published final levels (code -> level, None
    clears). All or nothing: any unknown code or level out of range refuses
    the whole set with every problem listed. Returns how many changed."""
    locked = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
    if locked.state not in FINAL_LEVELS_EDITABLE:
        raise ValidationError(
            _("Nilai akhir hanya dapat dicatat setelah periode ditutup atau diumumkan.")
        )
    framework = locked.framework
    indicators = {i.code: i for i in framework.indicators.all()}
    errors = []
    for code, level in levels.items():
        if code not in indicators:
            errors.append(_("Indikator '%(code)s' tidak dikenal.") % {"code": code})
        elif level is not None and not framework.admits(level):
            errors.append(
                _("Indikator %(code)s: tingkat harus bilangan bulat %(min)s–%(max)s.")
                % {"code": code, "min": framework.value_floor, "max": framework.level_max}
            )
    if errors:
        raise ValidationError(errors)

    lifecycle.answers_ensure(period=locked)
    answers = Answer.objects.filter(
        period=locked, indicator_id__in=[indicators[c].id for c in levels]
    ).select_related("period__framework", "indicator", "opd")
    by_indicator = {a.indicator_id: a for a in answers}
    changed = 0
    with lifecycle.operation("set_final"):
        for code, level in levels.items():
            answer = by_indicator[indicators[code].id]
            if answer.final_level == level:
                continue
            lifecycle.apply(
                "set_final",
                answer,
                user=user,
                reload=False,
                prepare=lambda _current, level=level: {"final_level": level},
            )
            changed += 1
    return changed


@dataclass(frozen=True)
class BasisSummary:
    basis: str
    label: str
    filled: int
    total: int
    index: Decimal | None  # rounded for display, None until every indicator has a level
    predicate: str | None


def index_summary(period: EvaluationPeriod) -> list[BasisSummary]:
    """The index by each of the three values (proposed, validated, final),
    so an administrator sees e.g. self 4.35 → final 3.79 after entering the
    national results; from the engine, and only once every indicator counts."""
    spec = period.framework.to_spec()
    rows = list(
        Answer.objects.filter(period=period).values_list("indicator__code", *LEVEL_FIELD.values())
    )
    labels = {
        "self": _("Usulan OPD"),
        "validated": _("Tervalidasi (nilai mandiri)"),
        "final": _("Nilai akhir nasional"),
    }
    total = len(spec.indicator_codes)
    summaries = []
    for column, basis in enumerate(LEVEL_FIELD, start=1):
        levels = scoring.usable_levels(spec, {row[0]: row[column] for row in rows})
        index = scoring.compute_partial(spec, levels).index
        summaries.append(
            BasisSummary(
                basis,
                labels[basis],
                len(levels),
                total,
                scoring.rounded(index.value) if index else None,
                index.predicate if index else None,
            )
        )
    return summaries
