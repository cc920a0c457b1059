"""One date and time style on every kind of page (issue #11, point 7): the
review page, the notification list, the portal's management pages and the
Django admin all write a known moment as "29 November 2026 14.05 WITA" (its
English as "29 November 2026 14:05 WITA"), years without a thousands separator
and decimals without trailing zeros, with a comma in Indonesian. The formats
themselves live in spbe_portal/formats/; the filters' own cases are in
tests/test_officer_round.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, translation

from assessments import answering
from assessments.evidence import attach
from assessments.models import (
    Answer,
    EvaluationPeriod,
    ExternalValue,
    Notification,
    NotificationKind,
    Role,
)
from indicators.models import Aspect, ExternalSource, Indicator
from tests.factories import role_in
from tests.test_translations import english, html

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 11, 29, 6, 5, tzinfo=dt.UTC)  # 14.05 in Asia/Makassar
SHOWN = "29 November 2026 14.05 WITA"
SHOWN_EN = "29 November 2026 14:05 WITA"
DJANGO_DEFAULT = "29 Nov 2026"  # Django's own `id` DATE_FORMAT ("j N Y"), no longer used


@pytest.fixture
def world(officer_world):
    """officer_world in 2026, with its fill deadline and the answer's
    submission at the known moment."""
    w = officer_world
    answer = answering.answer_save(
        answer=w.answer,
        user=w.officer,
        level=4,
        explanation="FAKTA: Pergub 4/2023. ANALISIS: memenuhi.",
        expected_version=w.answer.version,
    )
    attach.evidence_link_add(answer=answer, user=w.officer, url="https://jdih.kaltimprov.go.id/")
    answer = Answer.objects.get(pk=answer.pk)
    answering.answer_submit(answer=answer, user=w.officer, expected_version=answer.version)
    Answer.objects.filter(pk=answer.pk).update(submitted_at=MOMENT)
    EvaluationPeriod.objects.filter(pk=w.period.pk).update(year=2026, fill_closes_at=MOMENT)
    w.period.refresh_from_db()
    w.admin = role_in(w.period.instansi, Role.ADMINISTRATOR)
    return w


def period_kwargs(w):
    return {"code": w.period.instansi.code, "year": w.period.year}


def test_the_formats_are_the_portals_in_both_languages():
    # Through Django's own lookup, as `{{ value }}`, forms and the admin use it.
    with translation.override("id"):
        assert formats.get_format("DATETIME_FORMAT") == "j F Y H.i T"
        assert formats.get_format("SHORT_DATETIME_FORMAT") == "j F Y H.i T"
        assert formats.get_format("DATE_FORMAT") == "j F Y"
    with translation.override("en"):
        assert formats.get_format("DATETIME_FORMAT") == "j F Y H:i T"
        assert formats.get_format("SHORT_DATE_FORMAT") == "j F Y"


def test_the_review_page(client, world):
    client.force_login(world.reviewer)
    url = reverse("review:detail", args=[world.answer.public_id])
    page = html(client.get(url))
    assert f"Diajukan: {SHOWN}" in page
    assert "2026 (tahun ini)" in page and "2025 (tahun lalu)" in page
    assert "2.026" not in page and DJANGO_DEFAULT not in page

    page = html(english(client).get(url))
    assert SHOWN_EN in page and SHOWN not in page


def test_the_notification_list(client, world):
    note = Notification.objects.create(
        recipient=world.officer,
        kind=NotificationKind.ANSWER_RETURNED,
        message="Jawaban dikembalikan.",
    )
    Notification.objects.filter(pk=note.pk).update(created_at=MOMENT)
    client.force_login(world.officer)
    assert SHOWN in html(client.get(reverse("notifications:list")))
    assert SHOWN_EN in html(english(client).get(reverse("notifications:list")))


def test_the_period_pages_of_the_management(client, world):
    client.force_login(world.admin)
    detail = html(client.get(reverse("manage:period_detail", kwargs=period_kwargs(world))))
    assert f'Batas pengisian</dt><dd class="col-sm-7">{SHOWN}</dd>' in detail
    assert "Periode 2026" in detail and "2.026" not in detail

    listing = html(
        client.get(reverse("manage:period_list", kwargs={"code": world.period.instansi.code}))
    )
    assert f"<td>{SHOWN}</td>" in listing and ">2026</a>" in listing

    detail = html(english(client).get(reverse("manage:period_detail", kwargs=period_kwargs(world))))
    assert SHOWN_EN in detail and "2,026" not in detail


def test_decimals_on_the_external_values_page(client, world):
    Indicator.objects.filter(pk=world.indicator.pk).update(
        external_source=ExternalSource.choices[0][0],
        external_upper_bounds=["12.5", "25", "50", "75"],
    )
    ExternalValue.objects.create(
        period=world.period,
        indicator=world.indicator,
        value=Decimal("70.5"),
        level=4,
        source="Kementerian PANRB",
        measured_on=dt.date(2026, 11, 1),
        entered_by=world.admin,
        entered_at=MOMENT,
    )
    client.force_login(world.admin)
    url = reverse("manage:external_values", kwargs=period_kwargs(world))
    page = html(client.get(url))
    assert "70,5" in page and "70,5000" not in page and "12,5 · 25 · 50 · 75" in page
    assert "periode 2026" in page
    # English writes a decimal point, still without trailing zeros.
    page = html(english(client).get(url))
    assert "70.5" in page and "70.5000" not in page and "12.5 · 25 · 50 · 75" in page


def test_the_django_admin(client, world):
    support = get_user_model().objects.create_superuser("support", "support@example.org", "x")
    client.force_login(support)
    periods = html(client.get("/admin/assessments/evaluationperiod/"))
    assert SHOWN in periods
    assert ">2026<" in periods and "2.026" not in periods

    Notification.objects.create(
        recipient=world.officer, kind=NotificationKind.ANSWER_RETURNED, message="x"
    )
    Notification.objects.update(created_at=MOMENT)
    assert SHOWN in html(client.get("/admin/assessments/notification/"))

    Indicator.objects.filter(pk=world.indicator.pk).update(weight=Decimal("12.5"))
    indicators = html(client.get("/admin/indicators/indicator/"))
    assert ">12,5<" in indicators and "12,5000" not in indicators

    periods = html(english(client).get("/admin/assessments/evaluationperiod/"))
    assert SHOWN_EN in periods and "2,026" not in periods
    assert ">12.5<" in html(client.get("/admin/indicators/indicator/"))


def test_the_admins_weight_fields_are_typed_and_shown_with_a_comma(client, world):
    support = get_user_model().objects.create_superuser("support", "support@example.org", "x")
    client.force_login(support)
    aspect = world.indicator.aspect
    Aspect.objects.filter(pk=aspect.pk).update(weight=Decimal("12.5"))
    url = reverse("admin:indicators_aspect_change", args=[aspect.pk])
    page = html(client.get(url))
    assert 'value="12,5"' in page and "12.5000" not in page

    response = client.post(
        url,
        {
            "framework": aspect.framework_id,
            "domain": aspect.domain_id or "",
            "code": aspect.code,
            "name": aspect.name,
            "weight": "12,75",
            "position": aspect.position,
        },
    )
    assert response.status_code == 302
    assert Aspect.objects.get(pk=aspect.pk).weight == Decimal("12.75")
