"""The demo's published years: 2023 and 2024 of the province (reproducing the
published SPBE results) and each kabupaten/kota's published 2024 index. They
are written as they ended, with their own times, through the lifecycle's
history loader; the live transitions are for periods run in the portal."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from assessments import lifecycle
from assessments.management.demo import Seeding
from assessments.management.demo import data as demo
from assessments.management.demo.texts import Texts, officers_by_opd
from assessments.models import (
    OPD,
    Answer,
    AnswerEvent,
    AnswerState,
    EvaluationPeriod,
    EventKind,
    Instansi,
    PeriodState,
)
from assessments.periods import period_create

WITA = ZoneInfo("Asia/Makassar")
HISTORIC_WINDOWS = {
    2023: ((2023, 3, 1), (2023, 4, 30), (2023, 6, 30)),
    2024: ((2024, 3, 1), (2024, 4, 30), (2024, 6, 30)),
}
ANSWER_FIELDS = [
    "proposed_level",
    "validated_level",
    "final_level",
    "explanation",
    "state",
    "submitted_at",
    "updated_by",
    "updated_at",
    "version",
]


def _windows(year):
    return (datetime(*day, 8, 0, tzinfo=WITA) for day in HISTORIC_WINDOWS[year])


def _published_period(instansi, framework, year, admin, target=None) -> EvaluationPeriod:
    opens, closes, review = _windows(year)
    period = period_create(
        instansi=instansi,
        year=year,
        framework=framework,
        fill_opens_at=opens,
        fill_closes_at=closes,
        review_closes_at=review,
        target_index=target,
        user=admin,
    )
    period.state = PeriodState.PUBLISHED
    period.save(update_fields=["state"])
    return period


def _event(answer, actor, kind, at, before="", after="", **values):
    return AnswerEvent(
        answer=answer,
        actor=actor,
        kind=kind,
        created_at=at,
        state_before=before,
        state_after=after,
        **values,
    )


def _answer_history(answer, levels, texts, people, number, year) -> list[AnswerEvent]:
    """Set one answer to how the year ended; the events that led there."""
    code = answer.indicator.code
    officer, reviewer, admin = people
    proposed, validated, final = (levels[b][code] for b in ("self", "validated", "final"))
    _opens, closes, review = _windows(year)
    submitted_at = closes - timedelta(days=10, hours=number % 7)
    reviewed_at = closes + timedelta(days=14, hours=number % 5)
    answer.proposed_level, answer.validated_level, answer.final_level = proposed, validated, final
    answer.explanation = texts.explanation(answer.indicator, proposed)
    answer.state = AnswerState.VALIDATED
    answer.submitted_at, answer.updated_by, answer.updated_at = submitted_at, reviewer, reviewed_at
    answer.version = 4
    decided = {
        "field": "validated_level",
        "value_before": str(proposed),
        "value_after": str(validated),
        # As the reviewer side records it: "before" is the level the OPD proposed.
        "kind": EventKind.ACCEPTED if validated == proposed else EventKind.ADJUSTED,
        "comment": ""
        if validated == proposed
        else texts.justification(answer.indicator, proposed, validated),
    }
    draft, submitted, done = AnswerState.DRAFT, AnswerState.SUBMITTED, AnswerState.VALIDATED
    saved = {"field": "proposed_level", "value_after": str(proposed)}
    return [
        _event(answer, officer, EventKind.SAVED, submitted_at - timedelta(days=3), **saved),
        _event(answer, officer, EventKind.SUBMITTED, submitted_at, draft, submitted),
        AnswerEvent(
            answer=answer,
            actor=reviewer,
            created_at=reviewed_at,
            state_before=submitted,
            state_after=done,
            **decided,
        ),
        _event(
            answer,
            admin,
            EventKind.FINAL_SET,
            review + timedelta(days=120),
            field="final_level",
            value_after=str(final),
            comment=_("Nilai akhir dari hasil evaluasi SPBE %s.") % year,
        ),
    ]


def historic_period(seeding: Seeding, instansi, framework, year, users) -> None:
    if EvaluationPeriod.objects.filter(instansi=instansi, year=year).exists():
        return
    admin, reviewer = users[demo.ADMINISTRATOR], users[demo.REVIEWER]
    period = _published_period(instansi, framework, year, admin, demo.TARGETS.get(year))
    texts = Texts(framework)
    officers = officers_by_opd(users)
    answers = list(Answer.objects.filter(period=period).select_related("indicator__aspect"))
    events = []
    for number, answer in enumerate(answers):
        officer = officers.get(answer.opd_id) or users["opd.diskominfo"]
        people = (officer, reviewer, admin)
        events += _answer_history(answer, demo.LEVELS[year], texts, people, number, year)
    lifecycle.history_load(answers=answers, fields=ANSWER_FIELDS, events=events)
    seeding.created.append(_("periode %s (diumumkan)") % year)


def kabkota_results(seeding: Seeding, province, framework, admin) -> None:
    """Each kabupaten/kota's published 2024 index as final levels of a
    published 2024 period, so their results sit beside the province's.
    Only the index is published; the split over domains is illustrative."""
    created = 0
    at = list(_windows(2024))[2] + timedelta(days=120)
    for item in demo.KABKOTA:
        child = Instansi.objects.filter(code=item.code, parent=province).first()
        if child is None or EvaluationPeriod.objects.filter(instansi=child, year=2024).exists():
            continue
        OPD.objects.get_or_create(
            instansi=child,
            code="diskominfo",
            defaults={
                "name": "Dinas Komunikasi dan Informatika",
                "short_name": "Diskominfo",
                "function_key": "diskominfo",
            },
        )
        period = _published_period(child, framework, 2024, admin)
        levels = demo.kabkota_levels(item.sums_2024)
        answers = list(Answer.objects.filter(period=period).select_related("indicator"))
        for answer in answers:
            answer.final_level = levels[answer.indicator.code]
            answer.updated_by, answer.updated_at = admin, at
            answer.version += 1
        events = [
            _event(
                answer,
                admin,
                EventKind.FINAL_SET,
                at,
                field="final_level",
                value_after=str(answer.final_level),
                comment=_("Nilai akhir dari hasil evaluasi SPBE 2024."),
            )
            for answer in answers
        ]
        lifecycle.history_load(
            answers=answers,
            fields=["final_level", "updated_by", "updated_at", "version"],
            events=events,
        )
        created += 1
    if created:
        seeding.created.append(_("nilai akhir 2024 untuk %d kabupaten/kota") % created)
