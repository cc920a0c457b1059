import json
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from assessments.models import Answer, AnswerState, Role
from reports.figures import opd_figures, period_standings
from reports.models import IndexSnapshot
from reports.snapshots import snapshot_compute
from tests.factories import (
    EvaluationPeriodFactory,
    InstansiFactory,
    officer_of,
    role_in,
)

pytestmark = pytest.mark.django_db


def url(name="dashboard", year=2024, instansi="kaltim"):
    return reverse(f"reports:{name}", kwargs={"instansi": instansi, "year": year})


def login(client, user):
    client.force_login(user)


def compute_all(period):
    for basis in ("self", "validated", "final"):
        snapshot_compute(period_id=period.pk, basis=basis)


def chart_data(response, name):
    match = re.search(
        rf'<script id="chart-{name}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


@pytest.fixture
def leader(kaltim2024):
    return role_in(kaltim2024.instansi, Role.LEADERSHIP)


def test_leadership_sees_index_predicate_target_and_tables(client, kaltim2024, leader):
    compute_all(kaltim2024.period)
    login(client, leader)

    response = client.get(url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "3,79" in html and "Sangat Baik" in html  # final, the default basis
    assert "4,35" in html and "Memuaskan" in html  # self
    assert "3,82" in html  # validated
    assert "Target indeks periode ini: 3,00" in html
    assert "sedang dihitung" not in html
    assert html.count("<caption") >= 6
    # Domain values in Indonesian format in the table and as plain numbers for the chart.
    assert "4,32" in html and "2,82" in html
    assert chart_data(response, "domains")["datasets"][0]["data"] == [3.7, 3.5, 2.82, 4.32]
    assert chart_data(response, "radar")["kind"] == "radar"
    assert len(chart_data(response, "radar")["labels"]) == 8


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMINISTRATOR])
def test_reviewers_and_administrators_may_read(client, kaltim2024, role):
    login(client, role_in(kaltim2024.instansi, role))
    assert client.get(url()).status_code == 200


def test_officer_of_the_instansi_gets_403(client, kaltim2024):
    login(client, officer_of(kaltim2024.opds[0]))
    assert client.get(url()).status_code == 403
    assert client.get(url("planner")).status_code == 403
    assert client.post(url("recompute")).status_code == 403


def test_other_instansi_gets_404_and_anonymous_goes_to_login(client, kaltim2024):
    other = InstansiFactory(code="kaltara")
    login(client, role_in(other, Role.LEADERSHIP))
    assert client.get(url()).status_code == 404
    assert client.get(url("planner")).status_code == 404
    assert client.post(url("recompute")).status_code == 404
    client.logout()
    response = client.get(url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_missing_or_stale_snapshot_says_being_computed(client, kaltim2024, leader):
    login(client, leader)
    html = client.get(url()).content.decode()
    assert "sedang dihitung" in html and "Hitung ulang" in html

    compute_all(kaltim2024.period)
    Answer.objects.filter(pk=kaltim2024.answers["1"].pk).update(final_level=5)
    html = client.get(url() + "?basis=final").content.decode()
    assert "sedang dihitung" in html
    assert "Perhitungan terakhir: 3,79" in html


def test_recompute_button_enqueues_and_updates(
    client, kaltim2024, leader, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import tasks

    calls = []
    monkeypatch.setattr(tasks.snapshot_recompute, "delay", lambda *a: calls.append(a))
    login(client, leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("recompute"), {"basis": "final"})

    assert response.status_code == 302
    assert response["Location"].endswith("?basis=final")
    assert calls == [(kaltim2024.period.pk,)]
    assert client.get(url("recompute")).status_code == 405


def test_incomplete_basis_lists_missing_indicators(client, kaltim2024, leader):
    Answer.objects.filter(pk=kaltim2024.answers["9"].pk).update(final_level=None)
    compute_all(kaltim2024.period)
    login(client, leader)

    html = client.get(url() + "?basis=final").content.decode()

    assert "belum lengkap" in html
    assert "Indikator: 9" in html


def test_trend_lists_every_period_with_its_framework(client, kaltim2024, leader, spbe2020):
    older = EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2023, framework=spbe2020)
    compute_all(kaltim2024.period)
    login(client, leader)

    response = client.get(url())

    trend = chart_data(response, "trend")
    assert trend["labels"] == ["2023", "2024"]
    assert trend["datasets"][2]["data"] == [None, 3.79]
    html = response.content.decode()
    assert html.count(spbe2020.name) >= 2
    assert reverse("reports:dashboard", kwargs={"instansi": "kaltim", "year": older.year}) in html


def test_opds_ranked_by_open_points(client, kaltim2024, leader):
    compute_all(kaltim2024.period)
    login(client, leader)

    response = client.get(url() + "?basis=final")

    ranking = chart_data(response, "open_points")
    values = ranking["datasets"][0]["data"]
    assert values == sorted(values, reverse=True)
    # Open points of all OPDs add up to what the index can still gain: 5 - 3.7885.
    assert sum(Decimal(str(v)) for v in values) == Decimal("1.2115")
    assert "Angka manajemen internal" in response.content.decode()


def test_opd_figures_weighted_average_points_and_open_points(kaltim2024):
    spec = kaltim2024.period.framework.to_spec()
    figures = opd_figures(spec, period_standings(kaltim2024.period.pk).values(), "final")

    assert sum(f.points for f in figures.values()) == Decimal("3.7885")
    diskominfo = figures[kaltim2024.opds[0].pk]
    # Diskominfo owns indicators 1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45.
    assert diskominfo.indicators == (
        "1",
        "5",
        "9",
        "13",
        "17",
        "21",
        "25",
        "29",
        "33",
        "37",
        "41",
        "45",
    )
    expected_points = (
        Decimal("1.3") * (4 + 4 + 3)
        + Decimal("2.5") * (4 + 3)
        + Decimal("1.5") * (3 + 3 + 3)
        + Decimal("2.75") * (4 + 4 + 4)
        + Decimal("3") * 5
    ) / 100
    assert diskominfo.points == expected_points
    weight = 3 * Decimal("1.3") + 2 * Decimal("2.5") + 3 * Decimal("1.5") + 3 * Decimal("2.75") + 3
    assert diskominfo.weighted_average == Fraction(expected_points * 100) / Fraction(weight)
    assert diskominfo.open_points == weight * 5 / 100 - expected_points
    assert diskominfo.validated == diskominfo.assigned == 12


def test_progress_counts_per_opd(client, kaltim2024, leader):
    answers = kaltim2024.answers
    Answer.objects.filter(pk=answers["1"].pk).update(state=AnswerState.DRAFT)
    Answer.objects.filter(pk=answers["5"].pk).update(state=AnswerState.SUBMITTED)
    Answer.objects.filter(pk=answers["9"].pk).update(
        state=AnswerState.DRAFT, proposed_level=None, validated_level=None, final_level=None
    )
    login(client, leader)

    response = client.get(url())

    progress = chart_data(response, "progress")
    i = progress["labels"].index("Diskominfo")
    by_label = {d["label"]: d["data"][i] for d in progress["datasets"]}
    assert by_label == {
        "Tervalidasi": 9,
        "Diajukan": 1,
        "Diisi, belum diajukan": 1,
        "Belum diisi": 1,
    }


def make_bigger(kaltim2024, spbe2020, extra_years):
    from tests.factories import OPDFactory

    for n in range(extra_years):
        period = EvaluationPeriodFactory(
            instansi=kaltim2024.instansi, year=2015 + n, framework=spbe2020
        )
        IndexSnapshot.objects.create(
            period=period,
            basis="final",
            framework=spbe2020,
            computed_at=kaltim2024.period.fill_opens_at,
            inputs_sha256="x",
            complete=True,
            index_exact="2.5",
            index_display="2.50",
            predicate="Cukup",
        )
    new_opds = [OPDFactory(instansi=kaltim2024.instansi) for _n in range(extra_years)]
    for opd, code in zip(new_opds, ["2", "3", "4", "6", "7", "8"], strict=True):
        Answer.objects.filter(pk=kaltim2024.answers[code].pk).update(opd=opd)


def test_query_count_does_not_grow_with_periods_and_opds(
    client, kaltim2024, leader, spbe2020, django_assert_num_queries
):
    compute_all(kaltim2024.period)
    login(client, leader)
    client.get(url())  # session and framework caches warm

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url()).status_code == 200
    make_bigger(kaltim2024, spbe2020, extra_years=6)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url())
    assert response.status_code == 200
    assert len(chart_data(response, "trend")["labels"]) == 7
    assert len(chart_data(response, "open_points")["labels"]) == 10


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_charts_draw_under_the_csp_and_fit_the_screen(page, screenshot, kaltim2024):
    from tests.factories import PASSWORD

    compute_all(kaltim2024.period)
    leader = role_in(kaltim2024.instansi, Role.LEADERSHIP)
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna atau e-mail").fill(leader.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.goto(url())

    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart-source]')]"
        ".every((c) => window.Chart && window.Chart.getChart(c))"
    )
    assert page.locator("canvas[data-chart-source]").count() == 7
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366
    screenshot("dashboard")
    page.get_by_role("link", name="Perencana peningkatan").click()
    page.get_by_label("47. ", exact=False).select_option("5")
    page.wait_for_selector("#what-if-result >> text=Hasil coba-coba")
    screenshot("planner-what-if")


def test_years_are_not_written_with_a_thousands_separator(client, kaltim2024, leader):
    login(client, leader)
    html = client.get(url()).content.decode()
    assert "Kalimantan Timur 2024" in html
    assert "2.024" not in html


@pytest.mark.django_db(transaction=True)
def test_recompute_with_the_broker_down_says_so(client, kaltim2024, leader, monkeypatch):
    from kombu.exceptions import OperationalError

    from reports import tasks

    def down(*args):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.snapshot_recompute, "delay", down)
    login(client, leader)

    response = client.post(url("recompute"), follow=True)

    assert response.status_code == 200
    assert "Antrean perhitungan sedang tidak tersedia" in response.content.decode()


def test_results_home_redirects_to_the_latest_readable_period(client, kaltim2024, leader):
    login(client, leader)
    EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2025)

    response = client.get(reverse("reports:home"))

    assert response.status_code == 302
    assert response["Location"] == url(year=2025)
    login(client, officer_of(kaltim2024.opds[0]))
    assert client.get(reverse("reports:home")).status_code == 403


def test_reading_the_dashboard_queues_nothing_and_a_lifecycle_change_queues_once(
    client, kaltim2024, leader, monkeypatch, django_capture_on_commit_callbacks
):
    """Every answer change goes through the lifecycle, whose answers_changed
    signal schedules the recomputation; a reader's visit never does."""
    from django.core.cache import cache

    from assessments import periods
    from reports import tasks

    compute_all(kaltim2024.period)
    queued = []
    monkeypatch.setattr(tasks, "runs_in_process", lambda: False)
    monkeypatch.setattr(
        tasks.snapshot_recompute, "apply_async", lambda args, **kwargs: queued.append(args)
    )
    cache.delete(tasks.schedule_key(kaltim2024.period.pk))
    login(client, leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url())
    assert queued == []

    with django_capture_on_commit_callbacks(execute=True):
        periods.final_levels_set(period=kaltim2024.period, user=None, levels={"1": 5, "2": 5})
    assert queued == [(kaltim2024.period.pk,)]
    cache.delete(tasks.schedule_key(kaltim2024.period.pk))


def test_the_framework_is_read_once_per_process_and_revision(client, kaltim2024, leader, spbe2020):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    compute_all(kaltim2024.period)
    login(client, leader)
    client.get(url())
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url()).status_code == 200
    framework_rows = re.compile(
        r'FROM "indicators_(domain|aspect|predicateband)"|"indicators_indicator"\."weight"'
    )
    assert not [q["sql"] for q in warm.captured_queries if framework_rows.search(q["sql"])]

    # A domain renamed (as the admin saves it) is named on the next request.
    domain = spbe2020.domains.order_by("position").first()
    domain.name = "Tata Kelola Baru"
    domain.save()
    assert f"{domain.code} Tata Kelola Baru" in client.get(url()).content.decode()
