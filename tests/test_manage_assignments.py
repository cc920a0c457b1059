"""The assignment table of a period and its bulk change, through the client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import periods
from assessments.lifecycle import answers_ensure
from assessments.models import Answer, AnswerEvent, Assignment, EventKind, PeriodState, Role
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    EvaluationPeriodFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    opds_by_function,
    role_in,
)


@pytest.fixture
def world(spbe2020):
    instansi = InstansiFactory(code="kaltim")
    opds = opds_by_function(instansi)
    period = EvaluationPeriodFactory(
        instansi=instansi, year=2025, framework=spbe2020, state=PeriodState.DRAFT
    )
    periods._assignments_create(period=period, previous=None)
    answers_ensure(period=period)
    other = InstansiFactory(code="kaltara")
    return {
        "instansi": instansi,
        "period": period,
        "opds": opds,
        "admin": role_in(instansi, Role.ADMINISTRATOR),
        "officer": officer_of(opds["diskominfo"]),
        "reviewer": role_in(instansi, Role.REVIEWER),
        "leader": role_in(instansi, Role.LEADERSHIP),
        "other_admin": role_in(other, Role.ADMINISTRATOR),
        "foreign_opd": OPDFactory(instansi=other, code="kaltara-bappeda"),
    }


def url(year=2025, code="kaltim"):
    return reverse("manage:assignments", args=[code, year])


def ids(period, *codes):
    return [
        str(i)
        for i in Assignment.objects.filter(period=period, indicator__code__in=codes).values_list(
            "indicator_id", flat=True
        )
    ]


def responsible(period, code):
    return Assignment.objects.get(period=period, indicator__code=code).responsible_opd


def routes(period):
    return [
        (a.indicator_id, a.responsible_opd_id, sorted(c.id for c in a.contributors.all()))
        for a in Assignment.objects.filter(period=period).prefetch_related("contributors")
    ]


@pytest.mark.parametrize("who", ["officer", "reviewer", "leader", "other_admin"])
def test_outsiders_get_404_and_change_nothing(client, world, who):
    client.force_login(world[who])
    assert client.get(url()).status_code == 404
    response = client.post(
        url(),
        {
            "indicators": ids(world["period"], "1", "2"),
            "responsible_opd": world["opds"]["bappeda"].pk,
        },
    )
    assert response.status_code == 404
    assert responsible(world["period"], "1") == world["opds"]["diskominfo"]


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_table_lists_every_indicator_with_opds(client, world):
    client.force_login(world["admin"])
    response = client.get(url())
    assert response.status_code == 200
    text = response.text
    assert text.count('name="indicators"') == 47
    assert "Tingkat Kematangan Layanan Pengadaan Barang dan Jasa" in text
    assert "PENGADAAN" in text and "ADPIM" in text


def test_table_query_count_does_not_grow_with_indicators(client, world, django_assert_num_queries):
    """Same number of queries for 3 indicators as for 47 (plus contributors)."""
    small_period = EvaluationPeriodFactory(instansi=world["instansi"], year=2030)
    small = AssignmentFactory.create_batch(
        3, period=small_period, responsible_opd=world["opds"]["hukum"]
    )
    for assignment in small:
        assignment.contributors.add(world["opds"]["bkd"])
    client.force_login(world["admin"])
    client.get(url())  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(year=small_period.year)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(url()).status_code == 200
    assert len(many) == len(few)
    with django_assert_num_queries(len(few)):
        client.get(url())


def test_bulk_change_of_responsible_opd_moves_answers(client, world):
    period, opds = world["period"], world["opds"]
    Answer.objects.filter(period=period, indicator__code="3").update(
        proposed_level=3, explanation="sudah diisi"
    )
    client.force_login(world["admin"])
    response = client.post(
        url(), {"indicators": ids(period, "1", "2", "3"), "responsible_opd": opds["bappeda"].pk}
    )
    assert response.status_code == 302
    for code in ("1", "2", "3"):
        assert responsible(period, code) == opds["bappeda"]
        assert Answer.objects.get(period=period, indicator__code=code).opd == opds["bappeda"]
    assert responsible(period, "4") == opds["diskominfo"]
    worked = Answer.objects.get(period=period, indicator__code="3")
    assert worked.proposed_level == 3
    events = AnswerEvent.objects.filter(kind=EventKind.REASSIGNED)
    assert events.count() == 3
    event = events.get(answer=worked)
    assert (event.value_before, event.value_after, event.actor) == (
        "DISKOMINFO",
        "BAPPEDA",
        world["admin"],
    )


def test_bulk_set_contributors(client, world):
    period, opds = world["period"], world["opds"]
    client.force_login(world["admin"])
    response = client.post(
        url(),
        {
            "indicators": ids(period, "13", "21"),
            "set_contributors": "on",
            "contributors": [opds["bkd"].pk, opds["diskominfo"].pk],
        },
    )
    assert response.status_code == 302
    for code in ("13", "21"):
        assignment = Assignment.objects.get(period=period, indicator__code=code)
        # The responsible OPD is never its own contributor.
        assert list(assignment.contributors.all()) == [opds["bkd"]]
        assert assignment.responsible_opd == opds["diskominfo"]


def test_bulk_clear_contributors(client, world):
    period = world["period"]
    client.force_login(world["admin"])
    client.post(url(), {"indicators": ids(period, "13"), "set_contributors": "on"})
    assert not Assignment.objects.get(period=period, indicator__code="13").contributors.exists()


def test_new_responsible_stops_being_contributor(client, world):
    period, opds = world["period"], world["opds"]
    client.force_login(world["admin"])
    client.post(url(), {"indicators": ids(period, "13"), "responsible_opd": opds["bappeda"].pk})
    assignment = Assignment.objects.get(period=period, indicator__code="13")
    assert assignment.responsible_opd == opds["bappeda"]
    assert list(assignment.contributors.all()) == [opds["bpkad"]]


@pytest.mark.parametrize(
    "make_data, message",
    [
        (lambda w: {"indicators": []}, "Pilih minimal satu indikator"),
        (
            lambda w: {"indicators": ids(w["period"], "1"), "responsible_opd": w["foreign_opd"].pk},
            "pilihan yang valid",
        ),
        (lambda w: {"indicators": ids(w["period"], "1")}, "Pilih OPD penanggung jawab baru"),
        (
            lambda w: {"indicators": ["999999"], "responsible_opd": w["opds"]["bkd"].pk},
            "pilihan yang valid",
        ),
    ],
)
def test_bad_bulk_input_changes_nothing(client, world, make_data, message):
    before = routes(world["period"])
    client.force_login(world["admin"])
    response = client.post(url(), make_data(world))
    assert response.status_code == 200
    assert message in response.text
    assert routes(world["period"]) == before
    assert responsible(world["period"], "1") == world["opds"]["diskominfo"]
    assert not AnswerEvent.objects.exists()


def test_inactive_opd_is_not_offered(client, world):
    opd = world["opds"]["arsip"]
    opd.active = False
    opd.save()
    client.force_login(world["admin"])
    response = client.post(
        url(), {"indicators": ids(world["period"], "1"), "responsible_opd": opd.pk}
    )
    assert response.status_code == 200
    assert responsible(world["period"], "1") == world["opds"]["diskominfo"]


@pytest.mark.parametrize("state", ["in_review", "closed", "published"])
def test_bulk_change_refused_after_fill(client, world, state):
    period = world["period"]
    period.state = state
    period.save()
    client.force_login(world["admin"])
    page = client.get(url())
    assert 'name="indicators"' not in page.text
    response = client.post(
        url(),
        {"indicators": ids(period, "1"), "responsible_opd": world["opds"]["bappeda"].pk},
        follow=True,
    )
    assert "hanya dapat diubah" in response.text
    assert responsible(period, "1") == world["opds"]["diskominfo"]


def test_service_rejects_indicator_of_another_period(world):
    from django.core.exceptions import ValidationError

    stray = AnswerFactory()
    with pytest.raises(ValidationError):
        periods.assignments_update_bulk(
            period=world["period"],
            indicator_ids=[stray.indicator_id],
            responsible_opd=world["opds"]["bkd"],
        )


def test_checkbox_values_are_raw_ids_not_localized_numbers(client, world):
    """Indonesian formatting would turn id 12345 into '12.345' and break the form."""
    period = EvaluationPeriodFactory(instansi=world["instansi"], year=2031, state="draft")
    AssignmentFactory(period=period, indicator__id=12345, responsible_opd=world["opds"]["bkd"])
    client.force_login(world["admin"])
    response = client.get(url(year=2031))
    assert 'value="12345"' in response.text
    assert "2031" in response.text and "2.031" not in response.text
    client.post(
        url(year=2031), {"indicators": ["12345"], "responsible_opd": world["opds"]["hukum"].pk}
    )
    assert Assignment.objects.get(period=period).responsible_opd == world["opds"]["hukum"]


def test_contributors_are_picked_from_a_searchable_list_of_checkboxes(client, world):
    """44 OPDs are not chosen with ctrl-click: each is a checkbox with its short
    and full name, and a search box narrows the list (static/js/manage.js)."""
    client.force_login(world["admin"])
    page = client.get(url()).content.decode()
    assert "data-picker-search" in page and "data-picker-item" in page
    assert 'type="checkbox" name="contributors"' in page
    assert '<select name="contributors"' not in page
