"""Issue 13: a period's framework is chosen when it is created, and "start
from last year" moves a period from spbe-2020 to spbe-2024 (the same
instrument): assignments and answers carry over by indicator code."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments import periods
from assessments.lifecycle import answers_ensure
from assessments.models import (
    Answer,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    EvidenceLink,
    PeriodState,
    Role,
)
from indicators.models import FrameworkVersion
from tests.factories import (
    EvaluationPeriodFactory,
    InstansiFactory,
    officer_of,
    opds_by_function,
    role_in,
)

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def world(spbe2020):
    call_command("load_framework", "spbe-2024", verbosity=0)
    instansi = InstansiFactory(code="kaltim")
    opds = opds_by_function(instansi)
    admin = role_in(instansi, Role.ADMINISTRATOR)
    now = timezone.now()
    previous = EvaluationPeriodFactory(
        instansi=instansi,
        year=2024,
        framework=spbe2020,
        state=PeriodState.CLOSED,
        fill_opens_at=now - timedelta(days=400),
        fill_closes_at=now - timedelta(days=350),
        review_closes_at=now - timedelta(days=300),
    )
    periods._assignments_create(period=previous, previous=None)
    answers_ensure(period=previous)
    # Last year Bappeda held indicator 1: that choice carries over.
    Assignment.objects.filter(period=previous, indicator__code="1").update(
        responsible_opd=opds["bappeda"]
    )
    Answer.objects.filter(period=previous, indicator__code="1").update(
        opd=opds["bappeda"],
        proposed_level=4,
        validated_level=3,
        explanation="FAKTA: Pergub 4/2023. ANALISIS: mencakup arsitektur.",
        state=AnswerState.VALIDATED,
    )
    EvidenceLink.objects.create(
        answer=Answer.objects.get(period=previous, indicator__code="1"),
        url="https://jdih.kaltimprov.go.id/pergub-4-2023",
        added_by=officer_of(opds["bappeda"]),
    )
    return {
        "admin": admin,
        "opds": opds,
        "previous": previous,
        "spbe2024": FrameworkVersion.objects.get(code="spbe-2024"),
    }


def create(client, world, **extra):
    now = timezone.localtime()
    data = {
        "year": "2025",
        "framework": str(world["spbe2024"].pk),
        "fill_opens_at": (now + timedelta(days=1)).strftime(FMT),
        "fill_closes_at": (now + timedelta(days=30)).strftime(FMT),
        "review_closes_at": (now + timedelta(days=45)).strftime(FMT),
        **extra,
    }
    client.force_login(world["admin"])
    return client.post(reverse("manage:period_create", args=["kaltim"]), data)


def test_the_create_form_offers_spbe_2024(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("manage:period_create", args=["kaltim"]))
    choices = {str(f) for f in response.context["form"].fields["framework"].queryset}
    assert any("spbe-2024" in c for c in choices) and any("spbe-2020" in c for c in choices)
    assert f'value="{world["spbe2024"].pk}"' in response.text


def test_start_from_last_year_moves_the_period_to_spbe_2024(client, world):
    response = create(client, world, copy_from_previous="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    period = EvaluationPeriod.objects.get(year=2025)
    assert period.framework.code == "spbe-2024"
    # Every answer on the new version's indicators, none on the old.
    answers = Answer.objects.filter(period=period)
    assert answers.count() == 47
    assert set(answers.values_list("indicator__framework__code", flat=True)) == {"spbe-2024"}
    first = answers.get(indicator__code="1")
    assert first.state == AnswerState.DRAFT
    assert first.proposed_level == 4 and first.validated_level is None
    assert first.explanation.startswith("FAKTA: Pergub 4/2023")
    assert first.opd == world["opds"]["bappeda"]
    assert [link.url for link in first.evidence_links.all()] == [
        "https://jdih.kaltimprov.go.id/pergub-4-2023"
    ]
    assert (
        Assignment.objects.get(period=period, indicator__code="1").responsible_opd
        == world["opds"]["bappeda"]
    )
    assert Assignment.objects.filter(period=period).count() == 47
    # The old period is left as it was.
    assert Answer.objects.get(period=world["previous"], indicator__code="1").validated_level == 3


def test_without_copy_the_assignments_still_carry_over(client, world):
    assert create(client, world).status_code == 302
    period = EvaluationPeriod.objects.get(year=2025)
    assert (
        Assignment.objects.get(period=period, indicator__code="1").responsible_opd
        == world["opds"]["bappeda"]
    )
    assert not Answer.objects.filter(period=period, proposed_level__isnull=False).exists()


def test_a_different_instrument_is_not_last_year(client, world):
    call_command("load_framework", "pemdi-2026", verbosity=0)
    pemdi = FrameworkVersion.objects.get(code="pemdi-2026")
    response = create(client, world, framework=str(pemdi.pk), copy_from_previous="on")
    assert response.status_code == 200
    assert not EvaluationPeriod.objects.filter(year=2025).exists()
