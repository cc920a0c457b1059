"""Contributing OPDs chosen in Chromium (issue #11, point 7): an administrator
narrows the searchable picker by short and by full name, ticks one OPD with
the mouse and one with the keyboard, applies, and exactly those two contribute;
an officer of one of them then sees that indicator and no other. The page fits
a 390 px phone. (The picker's markup without JavaScript is checked through the
client in tests/test_manage_assignments.py.)"""

import pytest
from django.urls import reverse

from assessments import lifecycle
from assessments.models import Assignment, EvaluationPeriod, PeriodState, Role
from tests import factories
from tests.test_officer_round_browser import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser

OPDS = [
    ("Diskominfo", "Dinas Komunikasi dan Informatika"),
    ("Bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("Bapenda", "Badan Pendapatan Daerah"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("BKD", "Badan Kepegawaian Daerah"),
    ("Dinkes", "Dinas Kesehatan"),
    ("Disdikbud", "Dinas Pendidikan dan Kebudayaan"),
    ("Dispusip", "Dinas Perpustakaan dan Kearsipan"),
    ("Inspektorat", "Inspektorat Daerah"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
]


@pytest.fixture
def picker_world(spbe2020):
    from types import SimpleNamespace

    instansi = factories.InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    period = factories.EvaluationPeriodFactory(
        instansi=instansi, framework=spbe2020, year=2025, state=PeriodState.DRAFT
    )
    opds = {
        short: factories.OPDFactory(
            instansi=instansi, code=short.lower(), short_name=short, name=name
        )
        for short, name in OPDS
    }
    indicators = list(spbe2020.indicators.order_by("position")[:3])
    for indicator in indicators:
        Assignment.objects.create(
            period=period, indicator=indicator, responsible_opd=opds["Diskominfo"]
        )
    return SimpleNamespace(
        period=period,
        opds=opds,
        indicators=indicators,
        admin=factories.role_in(instansi, Role.ADMINISTRATOR, user__username="admin"),
        contributor=factories.officer_of(opds["Dinkes"], user__username="dinkes"),
    )


def shown(picker):
    """The labels the picker shows now."""
    return [
        label.split(" — ")[0]
        for label in picker.locator("[data-picker-item]:visible label").all_inner_texts()
    ]


def test_an_administrator_picks_contributors_by_name_with_mouse_and_keyboard(
    page, picker_world, screenshot
):
    w = picker_world
    chosen = w.indicators[1]
    url = reverse("manage:assignments", args=["kaltim", 2025])
    log_in(page, "admin", url)
    page.get_by_label(f"Pilih indikator {chosen.code}", exact=True).check()
    picker = page.locator("[data-picker]")
    search = page.get_by_label("Cari OPD kontributor")
    assert len(shown(picker)) == len(OPDS)

    # A short name narrows the list to that OPD, not to others of the same sound.
    search.fill("bapp")
    assert shown(picker) == ["Bappeda"]
    # A word of a full name finds the OPD whose short name does not contain it.
    search.fill("keuangan")
    assert shown(picker) == ["BPKAD"]
    picker.get_by_text("BPKAD — Badan Pengelolaan Keuangan dan Aset Daerah").click()  # mouse
    screenshot("picker-01-search-full-name")

    search.fill("dinas kes")
    assert shown(picker) == ["Dinkes"]
    # The keyboard: from the search box through the list to the one box shown.
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
    focused = page.evaluate("document.activeElement.labels[0].textContent")
    assert focused.startswith("Dinkes")
    page.keyboard.press("Space")
    # The choice made under another search stays made while hidden.
    assert picker.locator("input[type=checkbox]:checked").count() == 2

    search.fill("")
    assert len(shown(picker)) == len(OPDS)
    screenshot("picker-02-two-chosen-desktop")
    page.get_by_label("Ganti OPD kontributor dengan pilihan berikut").check()
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_load_state()

    saved = {
        a.indicator_id: sorted(o.short_name for o in a.contributors.all())
        for a in Assignment.objects.filter(period=w.period).prefetch_related("contributors")
    }
    assert saved == {
        w.indicators[0].pk: [],
        chosen.pk: ["BPKAD", "Dinkes"],
        w.indicators[2].pk: [],
    }
    row = page.locator("tr", has_text=chosen.name)
    assert "BPKAD, Dinkes" in row.inner_text()

    # On a phone the picker and the page fit the width (the table scrolls in its own box).
    page.set_viewport_size(PHONE)
    page.goto(url)
    page.get_by_label("Cari OPD kontributor").fill("dinas")
    width = page.evaluate(
        """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                  document.querySelector('[data-picker]').getBoundingClientRect().right]"""
    )
    assert width[0] <= width[1] and width[2] <= width[1], width
    screenshot("picker-03-phone")
    page.set_viewport_size(DESKTOP)


def test_a_contributor_sees_the_indicator_it_was_picked_for_and_no_other(
    page, picker_world, screenshot
):
    w = picker_world
    chosen = w.indicators[1]
    Assignment.objects.get(period=w.period, indicator=chosen).contributors.add(w.opds["Dinkes"])
    EvaluationPeriod.objects.filter(pk=w.period.pk).update(state=PeriodState.OPEN)
    lifecycle.answers_ensure(period=w.period)
    page.set_viewport_size(PHONE)
    log_in(page, "dinkes", "/indikator-saya/")
    body = page.locator("main").inner_text()
    assert chosen.name in body
    assert all(other.name not in body for other in (w.indicators[0], w.indicators[2]))
    assert page.get_by_role("button", name="Ajukan semua yang siap").count() == 0
    screenshot("picker-04-contributor-phone")
