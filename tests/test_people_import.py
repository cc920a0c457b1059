"""People at the scale of a province: officers of every OPD from one
spreadsheet (browser and command line), checked completely first, applied
all-or-nothing, idempotent, each new person invited once."""

import io
import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import Membership, Role, User
from assessments.people.nip import nip_problem
from tests.factories import InstansiFactory, OPDFactory, UserFactory, officer_of, role_in

NIP_BUDI = "198503122010011002"
NIP_SITI = "199001012015032001"
NIP_ANI = "198807072012122003"

GOOD = f"""name,email,nip,position,opd,role
Budi Santoso,budi@kaltimprov.go.id,{NIP_BUDI},Pranata Komputer,diskominfo,officer
Siti Aminah,siti@kaltimprov.go.id,{NIP_SITI},Analis Kebijakan,bappeda,officer
Siti Aminah,siti@kaltimprov.go.id,{NIP_SITI},Analis Kebijakan,,reviewer
Ani Lestari,ani@kaltimprov.go.id,{NIP_ANI},Kepala Dinas,bappeda,petugas
"""


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def invitations(django_capture_on_commit_callbacks, settings):
    """Invitations leave through a Celery task after commit: run both here."""
    from spbe_portal.celery import app

    settings.PORTAL_BASE_URL = "https://spbe.kaltimprov.go.id"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    app.conf.task_always_eager = before


@pytest.fixture
def world(db):
    instansi = InstansiFactory(code="kaltim")
    diskominfo = OPDFactory(instansi=instansi, code="diskominfo", short_name="Diskominfo")
    bappeda = OPDFactory(instansi=instansi, code="bappeda", short_name="Bappeda")
    other = InstansiFactory(code="kaltara")
    return {
        "instansi": instansi,
        "diskominfo": diskominfo,
        "bappeda": bappeda,
        "admin": role_in(instansi, Role.ADMINISTRATOR),
        "other_admin": role_in(other, Role.ADMINISTRATOR),
        "other": other,
    }


def url(name="people_import", code="kaltim"):
    return reverse(f"manage:{name}", args=[code])


def upload(client, text: str, name="pegawai.csv", code="kaltim"):
    data = io.BytesIO(text.encode("utf-8"))
    data.name = name
    return client.post(url(code=code), {"file": data})


def people_state():
    return sorted(
        (m.user.email, m.user.nip, m.user.position, m.role, m.opd.code if m.opd else None)
        for m in Membership.objects.select_related("user", "opd").filter(instansi__code="kaltim")
        if m.user.email.endswith("kaltimprov.go.id")
    )


# --- the browser ---------------------------------------------------------------------


def test_import_creates_people_roles_and_invitations(client, world, invitations):
    client.force_login(world["admin"])
    with invitations():
        response = upload(client, GOOD)
    assert response.status_code == 302
    assert people_state() == [
        ("ani@kaltimprov.go.id", NIP_ANI, "Kepala Dinas", Role.OFFICER, "bappeda"),
        ("budi@kaltimprov.go.id", NIP_BUDI, "Pranata Komputer", Role.OFFICER, "diskominfo"),
        ("siti@kaltimprov.go.id", NIP_SITI, "Analis Kebijakan", Role.OFFICER, "bappeda"),
        ("siti@kaltimprov.go.id", NIP_SITI, "Analis Kebijakan", Role.REVIEWER, None),
    ]
    siti = User.objects.get(email="siti@kaltimprov.go.id")
    assert siti.get_full_name() == "Siti Aminah" and not siti.has_usable_password()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ani@kaltimprov.go.id",
        "budi@kaltimprov.go.id",
        "siti@kaltimprov.go.id",
    ]
    assert all("https://spbe.kaltimprov.go.id/accounts/reset/" in m.body for m in mail.outbox)
    # Every account and role is in the audit trail under the administrator.
    entries = LogEntry.objects.filter(actor=world["admin"])
    assert entries.filter(content_type__model="user", action=LogEntry.Action.CREATE).count() == 3
    invited = entries.filter(content_type__model="user", action=LogEntry.Action.ACCESS)
    assert [e.additional_data["invitation"] for e in invited] == ["new_account"] * 3
    assert entries.filter(content_type__model="membership").count() == 4


def test_reimporting_the_same_file_changes_nothing(client, world, invitations):
    client.force_login(world["admin"])
    with invitations():
        upload(client, GOOD)
    state, entries, sent = people_state(), LogEntry.objects.count(), len(mail.outbox)
    with invitations():
        response = upload(client, GOOD)
    assert response.status_code == 302
    assert people_state() == state
    assert LogEntry.objects.count() == entries
    assert len(mail.outbox) == sent
    follow = client.get(reverse("manage:user_list", args=["kaltim"]))
    assert "0 akun baru" in str(list(follow.context["messages"]))


def test_existing_people_are_updated_not_duplicated(client, world, invitations):
    budi = officer_of(world["diskominfo"], user__email="budi@kaltimprov.go.id")
    siti = UserFactory(email="siti.lama@example.test", nip=NIP_SITI)
    role_in(world["instansi"], Role.LEADERSHIP, user=siti)
    client.force_login(world["admin"])
    with invitations():
        assert upload(client, GOOD).status_code == 302
    budi.refresh_from_db()
    siti.refresh_from_db()
    assert (budi.nip, budi.position, budi.get_full_name()) == (
        NIP_BUDI,
        "Pranata Komputer",
        "Budi Santoso",
    )
    assert siti.email == "siti@kaltimprov.go.id"  # found by NIP, e-mail updated
    assert User.objects.filter(email__endswith="kaltimprov.go.id").count() == 3
    assert set(siti.memberships.values_list("role", flat=True)) == {
        Role.LEADERSHIP,
        Role.OFFICER,
        Role.REVIEWER,
    }
    # Only the new person is invited; existing people keep their passwords.
    assert [m.to for m in mail.outbox] == [["ani@kaltimprov.go.id"]]
    budi_change = LogEntry.objects.filter(
        content_type__model="user", object_pk=str(budi.pk), action=LogEntry.Action.UPDATE
    ).get()
    assert budi_change.changes_dict["nip"] == ["", NIP_BUDI]


BAD = f"""nama,surel,nip,jabatan,opd,peran
Budi Santoso,budi@kaltimprov.go.id,{NIP_BUDI},Pranata Komputer,dinas-hantu,officer
Siti Aminah,siti@kaltimprov.go.id,{NIP_BUDI},Analis,bappeda,officer
Ani Lestari,ani@kaltimprov.go.id,{NIP_ANI},Kepala,bappeda,raja
=HYPERLINK("http://x"),joko@kaltimprov.go.id,,,bappeda,officer
Budi Santoso,budi@kaltimprov.go.id,{NIP_BUDI},Kepala Bidang,diskominfo,reviewer
Dewi,dewi@kaltimprov.go.id,123,,bappeda,officer
Eko,bukan-surel,,,bappeda,officer
Fajar,fajar@kaltimprov.go.id,,,,officer
"""


def test_a_wrong_file_changes_nothing_and_says_what_to_fix(client, world, invitations):
    client.force_login(world["admin"])
    users, entries = User.objects.count(), LogEntry.objects.count()
    with invitations():
        response = upload(client, BAD)
    assert response.status_code == 400
    problems = [(e.row, e.column) for e in response.context["row_errors"]]
    assert problems == [
        (2, "opd"),  # unknown OPD
        (3, "nip"),  # NIP already in the file for another e-mail
        (4, "role"),  # unknown role
        (5, "name"),  # formula-looking cell
        (6, "email"),  # same e-mail, different position
        (7, "nip"),  # not 18 digits
        (8, "email"),  # not an e-mail
        (9, "opd"),  # officer without OPD
    ]
    assert "kode OPD tidak dikenal" in response.text
    assert "rumus" in response.text
    assert (User.objects.count(), LogEntry.objects.count(), len(mail.outbox)) == (
        users,
        entries,
        0,
    )


def test_xlsx_template_download_and_upload(client, world, invitations):
    client.force_login(world["admin"])
    response = client.get(url("people_import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, codes = workbook.worksheets
    assert [c.value for c in sheet[1]] == ["name", "email", "nip", "position", "opd", "role"]
    assert {row[0] for row in codes.iter_rows(min_row=2, values_only=True)} >= {
        "bappeda",
        "diskominfo",
    }
    filled = Workbook()
    filled.active.append(["name", "email", "nip", "position", "opd", "role"])
    # A NIP typed as a number loses digits in Excel (a double): refused.
    filled.active.append(["Budi", "budi@kaltimprov.go.id", NIP_BUDI, "", "diskominfo", "officer"])
    filled.active.append(
        ["Siti", "siti@kaltimprov.go.id", float(NIP_SITI), "", "bappeda", "officer"]
    )
    buffer = io.BytesIO()
    filled.save(buffer)
    buffer.seek(0)
    buffer.name = "pegawai.xlsx"
    refused = client.post(url(), {"file": buffer})
    assert [(e.row, e.column) for e in refused.context["row_errors"]] == [(3, "nip")]
    filled.active.delete_rows(3)
    buffer = io.BytesIO()
    filled.save(buffer)
    buffer.seek(0)
    buffer.name = "pegawai.xlsx"
    with invitations():
        assert client.post(url(), {"file": buffer}).status_code == 302
    assert User.objects.get(email="budi@kaltimprov.go.id").nip == NIP_BUDI


def test_outsider_administrator_gets_404_and_imports_nothing(client, world, invitations):
    client.force_login(world["other_admin"])
    assert client.get(url()).status_code == 404
    assert client.get(url("people_import_template")).status_code == 404
    with invitations():
        assert upload(client, GOOD).status_code == 404
    assert not User.objects.filter(email__endswith="kaltimprov.go.id").exists()
    assert len(mail.outbox) == 0


def test_invitation_link_works_once(client, world, invitations):
    client.force_login(world["admin"])
    with invitations():
        upload(client, GOOD)
    client.logout()
    body = next(m.body for m in mail.outbox if m.to == ["budi@kaltimprov.go.id"])
    link = re.search(r"https://[^/]+(/accounts/reset/\S+)", body).group(1)
    page = client.get(link, follow=True)
    set_url = page.redirect_chain[-1][0]
    strong = "Kaltim-Digital-2025!"
    assert client.post(set_url, {"new_password1": strong, "new_password2": strong}).status_code
    assert User.objects.get(email="budi@kaltimprov.go.id").check_password(strong)
    assert client.get(link, follow=True).context["validlink"] is False
    assert client.login(username="budi@kaltimprov.go.id", password=strong)


# --- the command line ----------------------------------------------------------------


def test_command_imports_with_the_same_rules(world, invitations, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    out = io.StringIO()
    with invitations():
        call_command("import_people", str(good), instansi="kaltim", user="", stdout=out)
    assert "3 akun baru" in out.getvalue()
    assert len(mail.outbox) == 3
    state = people_state()
    created = LogEntry.objects.filter(content_type__model="user").order_by("pk").last()
    assert created.actor is None  # the command line, no --user

    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_people", str(bad), instansi="kaltim", stderr=err)
    assert refused.value.returncode == 1
    assert "baris 2, kolom opd ('dinas-hantu')" in err.getvalue()
    assert people_state() == state

    with invitations():
        call_command("import_people", str(good), instansi="kaltim", stdout=io.StringIO())
    assert people_state() == state and len(mail.outbox) == 3


def test_command_exit_codes_and_actor(world, invitations, tmp_path, settings):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError) as unknown:
        call_command("import_people", str(good), instansi="atlantis")
    assert unknown.value.returncode == 2
    with pytest.raises(CommandError) as nobody:
        call_command("import_people", str(good), instansi="kaltim", user="nobody")
    assert nobody.value.returncode == 2
    with pytest.raises(CommandError) as outsider:
        call_command(
            "import_people", str(good), instansi="kaltim", user=world["other_admin"].username
        )
    assert outsider.value.returncode == 2
    settings.PORTAL_BASE_URL = ""
    with pytest.raises(CommandError) as no_base:
        call_command("import_people", str(good), instansi="kaltim")
    assert no_base.value.returncode == 2
    assert not User.objects.filter(email__endswith="kaltimprov.go.id").exists()

    with invitations():
        call_command(
            "import_people",
            str(good),
            instansi="kaltim",
            user=world["admin"].username,
            no_invitations=True,
            stdout=io.StringIO(),
        )
    assert len(mail.outbox) == 0
    assert (
        LogEntry.objects.filter(content_type__model="user").order_by("pk").last().actor
        == world["admin"]
    )


# --- NIP -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nip, ok",
    [
        (NIP_BUDI, True),
        ("19850312201001100", False),  # 17 digits
        ("19851332201001 1002", False),  # not digits only
        ("198513322010011002", False),  # month 13 of birth
        ("198503122010131002", False),  # TMT month 13
        ("198503121980011002", False),  # TMT before birth
        ("198503122010013002", False),  # gender digit 3
    ],
)
def test_nip_form_check(nip, ok):
    assert (nip_problem(nip) is None) is ok


def test_nip_is_unique_and_checked_in_the_user_form(client, world):
    UserFactory(nip=NIP_BUDI)
    officer = officer_of(world["diskominfo"])
    client.force_login(world["admin"])
    detail = reverse("manage:user_detail", args=["kaltim", officer.pk])
    taken = client.post(detail, {"first_name": "B", "email": "b@x.id", "nip": NIP_BUDI})
    assert "sudah dipakai" in taken.text
    grouped = "19900101 201503 2 001"
    client.post(detail, {"first_name": "B", "email": "b@x.id", "nip": grouped, "position": "X"})
    officer.refresh_from_db()
    assert (officer.nip, officer.position) == (NIP_SITI, "X")
