"""The English catalogue: complete (no untranslated or fuzzy entry, and every
string in the code is in it), and English visitors actually get English pages
while everyone else keeps the Indonesian source text."""

import ast
import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from assessments.models import AnswerState, Role
from tests.factories import (
    AnswerFactory,
    EvaluationPeriodFactory,
    InstansiFactory,
    OPDFactory,
    officer_of,
    role_in,
)

BASE_DIR = Path(django_settings.BASE_DIR)
PO = BASE_DIR / "locale/en/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")
# What `make messages`/makemessages leaves out, plus what never holds UI text.
SKIPPED_DIRS = {".venv", "var", "test-artifacts", ".git", "node_modules", "__pycache__", "locale"}


def parse_po(text: str) -> list[dict]:
    """Entries as {"msgid", "msgstr": [..], "flags"}; enough of the PO format
    for a completeness check (no polib in the project)."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry = {"msgid": "", "msgstr": [], "flags": set(), "obsolete": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgid ", "msgid_plural ", "msgctxt ")):
                field = line.split(" ", 1)[0]
                if field == "msgid":
                    entry["msgid"] = ast.literal_eval(line.split(" ", 1)[1])
            elif line.startswith("msgstr"):
                field = "msgstr"
                entry["msgstr"].append(ast.literal_eval(line.split(" ", 1)[1]))
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if field == "msgid":
                    entry["msgid"] += value
                elif field == "msgstr":
                    entry["msgstr"][-1] += value
        entries.append(entry)
    return entries


def incomplete(entries: list[dict]) -> list[str]:
    return [
        entry["msgid"] + (" (fuzzy)" if "fuzzy" in entry["flags"] else " (untranslated)")
        for entry in entries
        if entry["msgid"]
        and not entry["obsolete"]
        and ("fuzzy" in entry["flags"] or not all(entry["msgstr"]))
    ]


def test_committed_catalogue_has_no_untranslated_or_fuzzy_entry():
    entries = parse_po(PO.read_text(encoding="utf-8"))
    assert len(entries) > 500
    header = entries[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]
    assert incomplete(entries) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_in_the_code_is_translated(tmp_path, settings, monkeypatch):
    """Runs makemessages over a copy of the source tree against the committed
    catalogue: a new or changed msgid anywhere fails here until it is translated."""
    tree = tmp_path / "tree"
    for path in BASE_DIR.rglob("*"):
        relative = path.relative_to(BASE_DIR)
        if set(relative.parts) & SKIPPED_DIRS or path.suffix not in {".py", ".html", ".txt"}:
            continue
        if path.is_file():
            (tree / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, tree / relative)
    catalogue = tree / "locale/en/LC_MESSAGES/django.po"
    catalogue.parent.mkdir(parents=True)
    shutil.copyfile(PO, catalogue)
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)

    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)

    missing = incomplete(parse_po(catalogue.read_text(encoding="utf-8")))
    assert missing == [], (
        "Untranslated strings; run makemessages -l en and translate them in "
        f"locale/en/LC_MESSAGES/django.po: {missing}"
    )


@pytest.fixture
def compiled_catalogue():
    """The .mo is built by `make messages`; when pytest runs alone and the .po
    is newer, build it so these tests check the committed translation."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        if shutil.which("msgfmt") is None:
            pytest.skip("catalogues not compiled and GNU gettext is not installed")
        call_command("compilemessages", locale=["en"], verbosity=0)
        from django.utils.translation.reloader import translation_file_changed

        translation_file_changed(sender=None, file_path=MO)


@pytest.fixture
def world(db, settings):
    from types import SimpleNamespace

    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = EvaluationPeriodFactory(instansi=instansi, year=2025)
    opd = OPDFactory(instansi=instansi, short_name="Diskominfo")
    answer = AnswerFactory(period=period, opd=opd, state=AnswerState.SUBMITTED, proposed_level=3)
    return SimpleNamespace(
        period=period,
        answer=answer,
        officer=officer_of(opd),
        reviewer=role_in(instansi, Role.REVIEWER),
    )


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_login_page_and_its_error_in_english(client, db, compiled_catalogue):
    page = html(english(client).get(reverse("login")))
    assert "Sign in to the SPBE Portal" in page and "Forgotten your password?" in page
    assert "Masuk ke Portal SPBE" not in page and 'lang="en"' in page

    # A name of its own: failed logins are counted in the shared cache (lockout).
    nobody = f"nobody-{uuid.uuid4().hex}"
    refused = html(client.post(reverse("login"), {"username": nobody, "password": "wrong"}))
    assert "Incorrect username/email or password." in refused
    assert "kata sandi salah" not in refused


def test_login_page_stays_indonesian_by_default(client, db, compiled_catalogue):
    page = html(client.get(reverse("login")))
    assert "Masuk ke Portal SPBE" in page and "Sign in to the SPBE Portal" not in page


def test_officer_pages_in_english(client, world, compiled_catalogue):
    english(client).force_login(world.officer)
    home = html(client.get("/"))
    assert "Welcome," in home and "Selamat datang" not in home
    mine = html(client.get(reverse("assessments:my_indicators")))
    assert "My indicators" in mine and "Assigned indicators" in mine
    assert "Indikator saya" not in mine and "Indikator yang ditugaskan" not in mine
    detail = html(client.get(reverse("assessments:answer_detail", args=[world.answer.public_id])))
    assert "Question and level criteria" in detail
    assert "Pertanyaan dan kriteria tingkat" not in detail


def test_reviewer_queue_in_english(client, world, compiled_catalogue):
    english(client).force_login(world.reviewer)
    queue = html(client.get(reverse("review:queue")))
    assert "Answer review queue" in queue and "Antrean verifikasi jawaban" not in queue


def test_language_switch_sets_english_for_the_following_pages(client, world, compiled_catalogue):
    client.force_login(world.officer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Welcome," in html(client.get("/"))

    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Selamat datang" in html(client.get("/"))


def test_outsider_gets_the_login_page_in_english_not_the_officer_page(
    client, world, compiled_catalogue
):
    response = english(client).get(reverse("assessments:my_indicators"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "Sign in to the SPBE Portal" in html(client.get(response["Location"]))
