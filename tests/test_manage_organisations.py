"""Administrators manage their OPDs and (provinces) register kabupaten/kota."""

import pytest
from django.urls import reverse

from assessments.models import OPD, Instansi, Role
from tests.factories import InstansiFactory, OPDFactory, UserFactory, officer_of, role_in


@pytest.fixture
def world(db):
    province = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    opd = OPDFactory(instansi=province, code="diskominfo", short_name="Diskominfo")
    other = InstansiFactory(code="kaltara")
    return {
        "province": province,
        "opd": opd,
        "admin": role_in(province, Role.ADMINISTRATOR),
        "officer": officer_of(opd),
        "reviewer": role_in(province, Role.REVIEWER),
        "leader": role_in(province, Role.LEADERSHIP),
        "other_admin": role_in(other, Role.ADMINISTRATOR),
        "foreign_opd": OPDFactory(instansi=other, code="kaltara-dkis"),
    }


def u(name, *args, code="kaltim"):
    return reverse(f"manage:{name}", args=[code, *args])


OPD_DATA = {
    "code": "bappeda",
    "name": "Badan Perencanaan Pembangunan Daerah",
    "short_name": "Bappeda",
    "function_key": "bappeda",
    "active": "on",
}


def org_urls(world):
    return [
        ("get", u("instansi")),
        ("get", u("opd_list")),
        ("get", u("opd_create")),
        ("post", u("opd_create")),
        ("get", u("opd_edit", world["opd"].pk)),
        ("post", u("opd_edit", world["opd"].pk)),
        ("get", u("children")),
        ("post", u("children")),
    ]


@pytest.mark.parametrize("who", ["officer", "reviewer", "leader", "other_admin"])
def test_outsiders_get_404_and_change_nothing(client, world, who):
    client.force_login(world[who])
    for method, url in org_urls(world):
        data = {**OPD_DATA, "code": "x", "name": "X", "kind": "kota"}
        assert getattr(client, method)(url, data).status_code == 404, url
    assert OPD.objects.filter(instansi=world["province"]).count() == 1
    assert OPD.objects.get(pk=world["opd"].pk).short_name == "Diskominfo"
    assert Instansi.objects.count() == 2


def test_anonymous_is_sent_to_login(client, world):
    for method, url in org_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_dashboard_and_list(client, world):
    client.force_login(world["admin"])
    assert client.get(u("instansi")).status_code == 200
    response = client.get(u("opd_list"))
    assert response.status_code == 200
    assert "Diskominfo" in response.text
    assert "kaltara-dkis" not in response.text


def test_create_opd(client, world):
    client.force_login(world["admin"])
    response = client.post(u("opd_create"), OPD_DATA)
    assert response.status_code == 302
    opd = OPD.objects.get(instansi=world["province"], code="bappeda")
    assert (opd.short_name, opd.function_key, opd.active) == ("Bappeda", "bappeda", True)


def test_same_code_allowed_in_another_instansi_but_not_twice_here(client, world):
    client.force_login(world["admin"])
    client.post(u("opd_create"), {**OPD_DATA, "code": "kaltara-dkis"})
    assert OPD.objects.filter(code="kaltara-dkis").count() == 2
    response = client.post(u("opd_create"), {**OPD_DATA, "code": "diskominfo"})
    assert response.status_code == 200
    assert "sudah dipakai" in response.text
    assert OPD.objects.filter(instansi=world["province"], code="diskominfo").count() == 1


@pytest.mark.parametrize(
    "override",
    [{"code": "Bad Code!"}, {"name": ""}, {"short_name": ""}, {"function_key": "nonsense"}],
)
def test_create_opd_rejects_bad_input(client, world, override):
    client.force_login(world["admin"])
    response = client.post(u("opd_create"), {**OPD_DATA, **override})
    assert response.status_code == 200
    assert "invalid-feedback" in response.text
    assert OPD.objects.filter(instansi=world["province"]).count() == 1


def test_edit_and_deactivate_opd(client, world):
    opd = world["opd"]
    client.force_login(world["admin"])
    response = client.post(
        u("opd_edit", opd.pk),
        {"code": "diskominfo", "name": "Dinas Kominfo", "short_name": "DKI", "function_key": ""},
    )
    assert response.status_code == 302
    opd.refresh_from_db()
    assert (opd.name, opd.short_name, opd.active, opd.function_key) == (
        "Dinas Kominfo",
        "DKI",
        False,
        "",
    )


def test_opd_of_another_instansi_is_not_found(client, world):
    client.force_login(world["admin"])
    foreign = world["foreign_opd"]
    assert client.get(u("opd_edit", foreign.pk)).status_code == 404
    assert client.post(u("opd_edit", foreign.pk), OPD_DATA).status_code == 404
    foreign.refresh_from_db()
    assert foreign.code == "kaltara-dkis"


def test_province_registers_kabupaten_kota(client, world):
    client.force_login(world["admin"])
    response = client.post(
        u("children"), {"code": "samarinda", "name": "Pemerintah Kota Samarinda", "kind": "kota"}
    )
    assert response.status_code == 302
    child = Instansi.objects.get(code="samarinda")
    assert (child.parent, child.kind) == (world["province"], Instansi.Kind.KOTA)
    assert "Pemerintah Kota Samarinda" in client.get(u("children")).text
    # The province's administrator may set the new instansi up.
    assert client.get(u("opd_list", code="samarinda")).status_code == 200
    client.post(u("opd_create", code="samarinda"), OPD_DATA)
    assert OPD.objects.filter(instansi=child, code="bappeda").exists()


def test_registration_rejects_province_kind_and_duplicate_code(client, world):
    client.force_login(world["admin"])
    response = client.post(u("children"), {"code": "x", "name": "X", "kind": "provinsi"})
    assert response.status_code == 200
    response = client.post(u("children"), {"code": "kaltara", "name": "X", "kind": "kota"})
    assert response.status_code == 200
    assert Instansi.objects.count() == 2


def test_kabupaten_admin_cannot_register_or_see_the_province(client, world):
    child = InstansiFactory(code="paser", kind=Instansi.Kind.KABUPATEN, parent=world["province"])
    child_admin = role_in(child, Role.ADMINISTRATOR)
    client.force_login(child_admin)
    assert client.get(u("children", code="paser")).status_code == 404
    assert client.get(u("instansi")).status_code == 404
    assert client.get(u("opd_list")).status_code == 404
    assert client.get(u("opd_list", code="paser")).status_code == 200


def test_superuser_sees_every_instansi(client, world):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("manage:index"))
    assert response.status_code == 200
    assert "kaltara" in response.text
    assert client.get(u("opd_list", code="kaltara")).status_code == 200


def test_index_for_anonymous_and_outsiders(client, world):
    response = client.get(reverse("manage:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for who in ("officer", "reviewer", "leader"):
        client.force_login(world[who])
        assert client.get(reverse("manage:index")).status_code == 404
    client.force_login(world["other_admin"])
    response = client.get(reverse("manage:index"))
    assert response["Location"] == reverse("manage:instansi", args=["kaltara"])


def test_function_key_held_by_one_active_opd(client, world):
    opd = world["opd"]
    opd.function_key = "diskominfo"
    opd.save()
    client.force_login(world["admin"])
    response = client.post(u("opd_create"), {**OPD_DATA, "function_key": "diskominfo"})
    assert "sudah dipegang" in response.text
    assert not OPD.objects.filter(code="bappeda").exists()
    # An inactive OPD may keep its old function; editing the holder itself is fine.
    client.post(u("opd_create"), {**OPD_DATA, "function_key": "diskominfo", "active": ""})
    assert OPD.objects.filter(code="bappeda", active=False).exists()
    response = client.post(
        u("opd_edit", opd.pk),
        {
            "code": "diskominfo",
            "name": "Dinas Kominfo",
            "short_name": "DKI",
            "function_key": "diskominfo",
            "active": "on",
        },
    )
    assert response.status_code == 302


def test_opd_list_names_functions_without_an_opd(client, world):
    client.force_login(world["admin"])
    text = client.get(u("opd_list")).text
    assert "belum dipegang OPD aktif" in text
    assert "Perencanaan pembangunan (Bappeda)" in text
