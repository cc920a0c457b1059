"""External indicators (Pemdi): the value comes from another agency's index
(SDI, SJIG, IPS, ...), entered by an administrator; the level follows from the
framework's bounds. Until a value is entered the indicator counts as the
lowest level and is flagged as waiting (assessments.lifecycle primes it)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from assessments import access, lifecycle
from assessments.models import Answer, EvaluationPeriod, ExternalValue
from indicators import external
from indicators.models import Indicator
from spbe_portal.errors import Invalid, NotAllowed
from spbe_portal.formats import decimal_shown


def external_waiting_codes(period: EvaluationPeriod) -> list[str]:
    """Codes of the period's external indicators still without a value."""
    if not period.framework.external_codes():
        return []
    entered = ExternalValue.objects.filter(period=period).values("indicator_id")
    return list(
        Indicator.objects.filter(framework_id=period.framework_id)
        .exclude(external_source="")
        .exclude(pk__in=entered)
        .order_by("position")
        .values_list("code", flat=True)
    )


def external_value_set(
    *,
    period: EvaluationPeriod,
    indicator: Indicator,
    user,
    value,
    source: str,
    measured_on: date,
) -> ExternalValue:
    """Record an external index value and set the indicator's level from the
    framework's thresholds (self and validated bases)."""
    if not access.can_administer(user, period.instansi_id):
        raise NotAllowed(_("Hanya administrator instansi yang dapat mencatat nilai eksternal."))
    with lifecycle.operation("set_external"):
        return _record(period, indicator, user, value, source, measured_on)


def _record(period, indicator, user, value, source, measured_on) -> ExternalValue:
    if indicator.framework_id != period.framework_id or not indicator.is_external:
        raise Invalid(_("Indikator ini tidak bernilai eksternal pada periode ini."))
    source = (source or "").strip()
    if not source or len(source) > 300:
        raise Invalid(_("Sebutkan sumber nilai (maksimum 300 karakter)."))
    if measured_on is None:
        raise Invalid(_("Isi tanggal nilai."))
    try:
        outcome = indicator.external_level(value)
    except external.ExternalScoreError as exc:
        raise Invalid(
            _("Nilai %(value)s tidak dapat dipakai: %(why)s") % {"value": value, "why": exc}
        ) from None
    if outcome.waiting:
        raise Invalid(_("Isi nilai indeks eksternal."))
    score = Decimal(outcome.score)
    if score != score.quantize(Decimal("0.0001")) or score >= Decimal("100000"):
        raise Invalid(_("Nilai paling banyak empat angka di belakang koma."))
    record, _created = ExternalValue.objects.update_or_create(
        period=period,
        indicator=indicator,
        defaults={
            "value": score,
            "source": source,
            "measured_on": measured_on,
            "level": outcome.level,
            "entered_by": user,
            "entered_at": timezone.now(),
        },
    )
    answer = Answer.objects.filter(period=period, indicator=indicator).first()
    if answer is not None:
        lifecycle.apply(
            "set_external",
            answer,
            user=user,
            # validated_level first: the event shows the level that counts.
            prepare=lambda _current: {
                "validated_level": outcome.level,
                "proposed_level": outcome.level,
            },
            event={
                # Read in the answer's history: written as the pages write numbers and dates.
                "comment": f"{indicator.get_external_source_display()}: {decimal_shown(score)} · "
                f"{source} · {formats.date_format(measured_on, 'DATE_FORMAT')}",
            },
        )
    return record
