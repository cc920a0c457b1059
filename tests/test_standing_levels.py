"""The dashboard tells fresh snapshots from stale ones from the standings it
reads anyway (reports.figures.standing_levels) instead of reading the levels
a second time: both must give what snapshots.gather_levels gives."""

import pytest

from assessments.models import Answer, Assignment
from reports.figures import period_standings, standing_levels
from reports.snapshots import current_digests, gather_levels


@pytest.mark.django_db
def test_standing_levels_are_the_gathered_levels(kaltim2024):
    period = kaltim2024.period
    assert standing_levels(period_standings(period.pk).values()) == gather_levels(period.pk)

    # Levels missing on some bases, and an indicator assigned but never answered.
    Answer.objects.filter(pk=kaltim2024.answers["1"].pk).update(
        validated_level=None, final_level=None
    )
    unanswered = kaltim2024.answers["2"]
    Answer.objects.filter(pk=unanswered.pk).delete()
    assert Assignment.objects.filter(period=period, indicator=unanswered.indicator).exists()

    gathered = gather_levels(period.pk)
    assert "1" not in gathered["final"] and "2" not in gathered["self"]
    from_standings = standing_levels(period_standings(period.pk).values())
    assert from_standings == gathered
    assert current_digests(period, from_standings) == current_digests(period)
