"""Leadership sees the right year: "Hasil indeks" opens on the latest period
with results, and a draft period stays out of leadership's lists and trend
until an administrator opens it."""

import pytest
from django.urls import reverse

from assessments.models import PeriodState, Role
from reports.snapshots import snapshot_compute
from tests.factories import EvaluationPeriodFactory, InstansiFactory, role_in

pytestmark = pytest.mark.django_db


def dashboard(year, instansi="kaltim"):
    return reverse("reports:dashboard", kwargs={"instansi": instansi, "year": year})


@pytest.fixture
def leader(kaltim2024):
    return role_in(kaltim2024.instansi, Role.LEADERSHIP)


def test_results_open_on_the_latest_year_with_results(client, kaltim2024, leader):
    snapshot_compute(period_id=kaltim2024.period.pk, basis="self")
    EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2025)  # open, nothing computed
    client.force_login(leader)

    response = client.get(reverse("reports:home"))

    assert response.status_code == 302
    assert response["Location"] == dashboard(2024)


def test_a_draft_period_is_out_of_leaderships_lists_and_trend(client, kaltim2024, leader):
    snapshot_compute(period_id=kaltim2024.period.pk, basis="self")
    EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2026, state=PeriodState.DRAFT)
    client.force_login(leader)

    html = client.get(dashboard(2024)).content.decode()
    assert dashboard(2026) not in html
    assert ">2026<" not in html
    assert client.get(dashboard(2026)).status_code == 404
    reports = client.get(reverse("reports:report_index")).content.decode()
    assert "2026" not in reports and "2024" in reports, reports


def test_without_any_results_the_latest_opened_year_is_shown(client, kaltim2024, leader):
    EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2025)
    EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2026, state=PeriodState.DRAFT)
    client.force_login(leader)

    assert client.get(reverse("reports:home"))["Location"] == dashboard(2025)


def test_the_instansis_administrator_still_sees_the_draft(client, kaltim2024):
    EvaluationPeriodFactory(instansi=kaltim2024.instansi, year=2026, state=PeriodState.DRAFT)
    admin = role_in(kaltim2024.instansi, Role.ADMINISTRATOR)
    client.force_login(admin)

    assert client.get(dashboard(2026)).status_code == 200
    assert dashboard(2026) in client.get(dashboard(2024)).content.decode()


def test_an_outsider_still_gets_404(client, kaltim2024):
    outsider = role_in(InstansiFactory(), Role.LEADERSHIP)
    client.force_login(outsider)

    assert client.get(dashboard(2024)).status_code == 404
