"""Shared factory_boy factories. Append new factories; don't rewrite others'."""

from datetime import timedelta
from decimal import Decimal
from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from assessments.models import (
    OPD,
    Answer,
    Assignment,
    EvaluationPeriod,
    Instansi,
    Membership,
    PeriodState,
    Role,
    User,
)
from indicators.models import Aspect, FrameworkVersion, Indicator, LevelCriterion

PASSWORD = "sandi-uji-123"


def _hashed(raw: str) -> str:
    # Keyed by the configured hashers: a hash cached while one test module
    # ran with a fast MD5-only setting must not be reused where MD5 is not
    # accepted (and the other way round), or browser logins fail by order.
    from django.conf import settings

    return _hashed_with(raw, tuple(settings.PASSWORD_HASHERS))


@cache
def _hashed_with(raw: str, hashers: tuple) -> str:
    return make_password(raw)


class FrameworkVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkVersion
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"fw-{n}")
    name = factory.Sequence(lambda n: f"Kerangka uji {n}")
    level_min = 1
    level_max = 5
    source_sha256 = "0" * 64


class AspectFactory(factory.django.DjangoModelFactory):
    """An aspect without a domain (frameworks may have none)."""

    class Meta:
        model = Aspect

    framework = factory.SubFactory(FrameworkVersionFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.Sequence(lambda n: f"Aspek {n}")
    weight = Decimal("100")
    position = factory.Sequence(lambda n: n)


class IndicatorFactory(factory.django.DjangoModelFactory):
    """An indicator with one criterion per level of its framework."""

    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    framework = factory.SubFactory(FrameworkVersionFactory)
    aspect = factory.SubFactory(AspectFactory, framework=factory.SelfAttribute("..framework"))
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"Tingkat Kematangan Uji {n}")
    question = "Apakah ada kebijakan?"
    capability = "process"
    weight = Decimal("1")
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        LevelCriterion.objects.bulk_create(
            LevelCriterion(indicator=self, level=level, text=f"Kriteria tingkat {level}")
            for level in range(self.framework.level_min, self.framework.level_max + 1)
        )


class InstansiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instansi
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"instansi-{n}")
    name = factory.Sequence(lambda n: f"Pemerintah Uji {n}")
    kind = Instansi.Kind.PROVINSI


class OPDFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OPD

    instansi = factory.SubFactory(InstansiFactory)
    code = factory.Sequence(lambda n: f"opd-{n}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"DU{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = factory.Sequence(lambda n: f"Pengguna {n}")
    # Like factory.django.Password (a raw password passed in is hashed), but
    # each distinct password is hashed once per run: PBKDF2 costs ~0.5 s.
    password = factory.Transformer(PASSWORD, transform=_hashed)


class MembershipFactory(factory.django.DjangoModelFactory):
    """Defaults to an officer of a fresh OPD; pass role=... and opd=None for
    instansi-wide roles (then give instansi=...)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER
    opd = factory.SubFactory(OPDFactory)
    instansi = factory.LazyAttribute(lambda m: m.opd.instansi if m.opd else InstansiFactory())


def officer_of(opd, **kwargs) -> User:
    """A user holding the officer role for `opd`."""
    return MembershipFactory(opd=opd, instansi=opd.instansi, **kwargs).user


def role_in(instansi, role, **kwargs) -> User:
    """A user holding an instansi-wide role (reviewer, leadership, administrator)."""
    return MembershipFactory(opd=None, instansi=instansi, role=role, **kwargs).user


class EvaluationPeriodFactory(factory.django.DjangoModelFactory):
    """An open period whose fill window is running now."""

    class Meta:
        model = EvaluationPeriod

    instansi = factory.SubFactory(InstansiFactory)
    year = factory.Sequence(lambda n: 2025 + n)
    framework = factory.SubFactory(FrameworkVersionFactory)
    state = PeriodState.OPEN
    # The rule has its own tests (test_review_round.py); elsewhere answers are
    # submitted without setting evidence up first.
    evidence_required = False
    fill_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    fill_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    review_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=40))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    period = factory.SubFactory(EvaluationPeriodFactory)
    indicator = factory.SubFactory(
        IndicatorFactory, framework=factory.SelfAttribute("..period.framework")
    )
    responsible_opd = factory.SubFactory(
        OPDFactory, instansi=factory.SelfAttribute("..period.instansi")
    )


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    period = factory.SubFactory(EvaluationPeriodFactory)
    indicator = factory.SubFactory(
        IndicatorFactory, framework=factory.SelfAttribute("..period.framework")
    )
    opd = factory.SubFactory(OPDFactory, instansi=factory.SelfAttribute("..period.instansi"))


def opds_by_function(instansi) -> dict:
    """One active OPD per functional key of the default assignment map,
    keyed by that function key (e.g. result["bappeda"])."""
    from assessments.default_assignment import FunctionKey

    return {
        key: OPDFactory(
            instansi=instansi,
            code=f"{instansi.code}-{key}",
            short_name=key.upper(),
            name=f"OPD {label}",
            function_key=key,
        )
        for key, label in FunctionKey.choices
    }
