"""FrameworkVersion.to_spec() is cached per process under the version's
revision: every request that already holds the version reads the spec
without a query, and an edit of a weight, in the admin or anywhere else that
saves the row, is in the next spec computed (issue #16)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators import models as indicator_models
from indicators.models import Aspect, Domain, FrameworkVersion, Indicator, PredicateBand

pytestmark = pytest.mark.django_db


def aspect_weights(spec):
    return {a.code: a.weight for a in spec.aspects}


def test_a_second_spec_of_the_same_revision_costs_no_query(spbe2020, django_assert_num_queries):
    first = FrameworkVersion.objects.get(pk=spbe2020.pk).to_spec()
    again = FrameworkVersion.objects.get(pk=spbe2020.pk)
    with django_assert_num_queries(0):
        assert again.to_spec() == first


def test_an_admin_weight_edit_is_in_the_next_spec(client, spbe2020):
    support = get_user_model().objects.create_superuser("support", "support@example.org", "x")
    client.force_login(support)
    read_before = FrameworkVersion.objects.get(pk=spbe2020.pk)
    before = read_before.to_spec()
    # What another process holds: the rows cached under the old revision.
    elsewhere = indicator_models._PER_REVISION[spbe2020.pk, "spec"]
    aspect = Aspect.objects.filter(framework=spbe2020).first()
    assert aspect.weight != Decimal("12.75")

    form = {name: getattr(aspect, name) for name in ("framework_id", "domain_id", "code", "name")}
    form = {name.removesuffix("_id"): value for name, value in form.items()}
    url = reverse("admin:indicators_aspect_change", args=[aspect.pk])
    response = client.post(url, {**form, "position": aspect.position, "weight": "12,75"})
    assert response.status_code == 302

    after = FrameworkVersion.objects.get(pk=spbe2020.pk)
    assert after.revision == read_before.revision + 1
    assert aspect_weights(after.to_spec())[aspect.code] == Decimal("12.75")
    # In this process even an instance read before the edit sees it.
    assert aspect_weights(read_before.to_spec())[aspect.code] == Decimal("12.75")
    # In another process, whose cache still holds the old rows, the next
    # request reads the new revision with its period and so the new rows.
    indicator_models._PER_REVISION[spbe2020.pk, "spec"] = elsewhere
    assert aspect_weights(read_before.to_spec()) == aspect_weights(before)
    assert aspect_weights(after.to_spec())[aspect.code] == Decimal("12.75")


@pytest.mark.parametrize("change", ["indicator", "band", "delete"])
def test_every_row_of_the_spec_raises_the_revision(spbe2020, change):
    revision = FrameworkVersion.objects.get(pk=spbe2020.pk).revision
    if change == "indicator":
        indicator = Indicator.objects.filter(framework=spbe2020).first()
        indicator.weight = Decimal("1.5")
        indicator.save()
    elif change == "band":
        band = PredicateBand.objects.filter(framework=spbe2020).first()
        band.label = "Luar biasa"
        band.save()
    else:
        Indicator.objects.filter(framework=spbe2020).last().delete()
    assert FrameworkVersion.objects.get(pk=spbe2020.pk).revision > revision
    framework = FrameworkVersion.objects.get(pk=spbe2020.pk)
    # _read_spec() always reads the database.
    assert framework.to_spec() == framework._read_spec()


def test_saving_a_version_read_before_an_edit_keeps_the_raised_revision(spbe2020):
    stale = FrameworkVersion.objects.get(pk=spbe2020.pk)
    aspect = Aspect.objects.filter(framework=spbe2020).first()
    aspect.weight = Decimal("12.75")
    aspect.save()
    stale.name = "SPBE 2020 (diubah)"
    stale.save()
    stored = FrameworkVersion.objects.get(pk=spbe2020.pk)
    assert stored.name == "SPBE 2020 (diubah)"
    assert stored.revision == stale.revision + 1


def test_the_outline_follows_a_renamed_domain(spbe2020, django_assert_num_queries):
    domains, aspects = FrameworkVersion.objects.get(pk=spbe2020.pk).outline()
    with django_assert_num_queries(0):
        assert spbe2020.outline() == (domains, aspects)
    domain = Domain.objects.get(framework=spbe2020, code=domains[0][0])
    domain.name = "Kebijakan Internal SPBE (nama baru)"
    domain.save()
    renamed, _aspects = FrameworkVersion.objects.get(pk=spbe2020.pk).outline()
    assert renamed[0] == (domain.code, "Kebijakan Internal SPBE (nama baru)")
    assert renamed[1:] == domains[1:]


def test_a_changed_top_level_of_the_version_is_in_the_next_spec(spbe2020):
    assert FrameworkVersion.objects.get(pk=spbe2020.pk).to_spec().level_max == 5
    edited = FrameworkVersion.objects.get(pk=spbe2020.pk)
    edited.level_max = 6
    edited.save()
    spec = FrameworkVersion.objects.get(pk=spbe2020.pk).to_spec()
    assert spec.level_max == 6
    assert spec == edited._read_spec()


def test_external_codes_are_cached_and_follow_an_indicator_edit(
    spbe2020, django_assert_num_queries
):
    assert FrameworkVersion.objects.get(pk=spbe2020.pk).external_codes() == ()
    again = FrameworkVersion.objects.get(pk=spbe2020.pk)
    with django_assert_num_queries(0):
        assert again.external_codes() == ()
    # The dashboard asks for waiting values only when there are any to wait for.
    indicator = Indicator.objects.filter(framework=spbe2020).order_by("position").first()
    indicator.external_source = "SDI"
    indicator.save()

    assert FrameworkVersion.objects.get(pk=spbe2020.pk).external_codes() == (indicator.code,)
