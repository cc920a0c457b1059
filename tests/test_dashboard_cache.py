"""The dashboard's figures come from the cache (reports/dashboard_cache.py)
only while what they are drawn from is unchanged: through the client, a
recompute, an answer's progress, an OPD's new name or a user who may list
other years each show on the next request, and a cache that does not answer
leaves the page as it would be uncached."""

import re

import pytest
from django.urls import reverse

from assessments.models import OPD, Answer, AnswerState, PeriodState, Role
from reports import dashboard_cache
from reports.snapshots import snapshot_compute
from tests.factories import EvaluationPeriodFactory, role_in

pytestmark = pytest.mark.django_db


def url(year=2024):
    return reverse("reports:dashboard", kwargs={"instansi": "kaltim", "year": year})


def compute_all(period):
    for basis in ("self", "validated", "final"):
        snapshot_compute(period_id=period.pk, basis=basis)


def figures(html: str) -> str:
    """The cached part of the page: from the index cards to the end."""
    return html[html.index('<section aria-labelledby="index-heading"') :]


@pytest.fixture
def leader(kaltim2024):
    return role_in(kaltim2024.instansi, Role.LEADERSHIP)


def test_a_second_request_is_served_from_the_cache_unchanged(
    client, kaltim2024, leader, monkeypatch
):
    from reports.views import dashboard

    compute_all(kaltim2024.period)
    client.force_login(leader)
    first = client.get(url()).content.decode()

    def not_again(*args):
        raise AssertionError("figures computed again for unchanged inputs")

    monkeypatch.setattr(dashboard, "_figures_context", not_again)
    second = client.get(url()).content.decode()

    assert figures(second) == figures(first)


def test_a_recompute_shows_the_new_figures(client, kaltim2024, leader):
    compute_all(kaltim2024.period)
    client.force_login(leader)
    before = figures(client.get(url() + "?basis=final").content.decode())
    assert "3,79" in before

    Answer.objects.filter(pk=kaltim2024.answers["1"].pk).update(final_level=5)
    stale = figures(client.get(url() + "?basis=final").content.decode())
    assert "sedang dihitung" in stale and "Perhitungan terakhir: 3,79" in stale

    snapshot_compute(period_id=kaltim2024.period.pk, basis="final")
    after = figures(client.get(url() + "?basis=final").content.decode())
    assert "sedang dihitung" not in after
    assert after != before and "Perhitungan terakhir" not in after


def progress_cells(html: str, short_name: str) -> list[str]:
    table = html[html.index('id="table-progress"') :]
    row = re.search(rf"<abbr[^>]*>{short_name}</abbr></th>(.*?)</tr>", table, re.S)
    return re.findall(r'<td class="num">(\d+)</td>', row.group(1))


def test_progress_and_names_show_without_a_recompute(client, kaltim2024, leader):
    compute_all(kaltim2024.period)
    opd = OPD.objects.get(pk=kaltim2024.answers["5"].opd_id)
    client.force_login(leader)
    before = progress_cells(client.get(url()).content.decode(), opd.short_name)

    Answer.objects.filter(pk=kaltim2024.answers["5"].pk).update(state=AnswerState.SUBMITTED)
    OPD.objects.filter(pk=opd.pk).update(short_name="Dinas Baru")
    after = progress_cells(client.get(url()).content.decode(), "Dinas Baru")

    assigned, answered, submitted, validated, _pct = before
    assert after[:4] == [assigned, answered, submitted, str(int(validated) - 1)]


def test_an_administrators_draft_year_never_reaches_leadership(client, kaltim2024, leader):
    compute_all(kaltim2024.period)
    EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2026, state=PeriodState.DRAFT)
    client.force_login(role_in(kaltim2024.instansi, Role.ADMINISTRATOR))
    assert url(2026) in client.get(url()).content.decode()

    client.force_login(leader)
    html = client.get(url()).content.decode()
    assert url(2026) not in html and ">2026<" not in html


def test_a_cache_outage_renders_the_page(client, kaltim2024, leader, monkeypatch):
    compute_all(kaltim2024.period)
    client.force_login(leader)
    expected = figures(client.get(url()).content.decode())

    class BrokenCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(dashboard_cache, "cache", BrokenCache())
    response = client.get(url())

    assert response.status_code == 200
    assert figures(response.content.decode()) == expected
