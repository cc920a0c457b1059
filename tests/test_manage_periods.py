"""Administrator's period pages: create (default map, copy from last year),
state transitions, schedule edits and final levels — through the client."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Answer,
    AnswerEvent,
    AnswerState,
    Assignment,
    EvaluationPeriod,
    EventKind,
    EvidenceLink,
    PeriodState,
    Role,
)
from tests.factories import (
    EvaluationPeriodFactory,
    InstansiFactory,
    UserFactory,
    officer_of,
    opds_by_function,
    role_in,
)

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def world(spbe2020):
    instansi = InstansiFactory(code="kaltim", name="Pemerintah Provinsi Kalimantan Timur")
    opds = opds_by_function(instansi)
    other = InstansiFactory(code="kaltara")
    return {
        "instansi": instansi,
        "opds": opds,
        "framework": spbe2020,
        "admin": role_in(instansi, Role.ADMINISTRATOR),
        "officer": officer_of(opds["bappeda"]),
        "reviewer": role_in(instansi, Role.REVIEWER),
        "other_admin": role_in(other, Role.ADMINISTRATOR),
    }


def window_data(**extra):
    now = timezone.localtime()
    data = {
        "fill_opens_at": (now + timedelta(days=1)).strftime(FMT),
        "fill_closes_at": (now + timedelta(days=30)).strftime(FMT),
        "review_closes_at": (now + timedelta(days=45)).strftime(FMT),
        "target_index": "3,00",
    }
    data.update(extra)
    return data


def create_data(world, year=2025, **extra):
    return window_data(year=str(year), framework=str(world["framework"].pk), **extra)


def login(client, user):
    client.force_login(user)
    return client


def create_period(client, world, year=2025, **extra):
    return client.post(
        reverse("manage:period_create", args=["kaltim"]), create_data(world, year, **extra)
    )


# --- outsiders ------------------------------------------------------------------


def period_urls():
    return [
        ("get", reverse("manage:period_list", args=["kaltim"])),
        ("get", reverse("manage:period_create", args=["kaltim"])),
        ("get", reverse("manage:period_detail", args=["kaltim", 2025])),
        ("get", reverse("manage:period_edit", args=["kaltim", 2025])),
        ("post", reverse("manage:period_transition", args=["kaltim", 2025])),
        ("get", reverse("manage:final_levels", args=["kaltim", 2025])),
        ("post", reverse("manage:final_levels", args=["kaltim", 2025])),
    ]


@pytest.mark.parametrize("who", ["officer", "reviewer", "other_admin"])
def test_outsiders_get_404_and_change_nothing(client, world, who):
    period = EvaluationPeriodFactory(
        instansi=world["instansi"], year=2025, framework=world["framework"], state="draft"
    )
    login(client, world[who])
    for method, url in period_urls():
        response = getattr(client, method)(url, {"to_state": "open", "pasted": "1,3"})
        assert response.status_code == 404, url
    period.refresh_from_db()
    assert period.state == PeriodState.DRAFT
    response = client.post(reverse("manage:period_create", args=["kaltim"]), create_data(world))
    assert response.status_code == 404
    assert EvaluationPeriod.objects.count() == 1


def test_anonymous_is_sent_to_login(client, world):
    EvaluationPeriodFactory(instansi=world["instansi"], year=2025, framework=world["framework"])
    for method, url in period_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_index_redirects_single_instansi_and_hides_from_officers(client, world):
    login(client, world["admin"])
    response = client.get(reverse("manage:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:instansi", args=["kaltim"])
    client.force_login(world["officer"])
    assert client.get(reverse("manage:index")).status_code == 404


def test_nav_shows_kelola_to_administrators_only(client, world):
    login(client, world["admin"])
    assert (
        reverse("manage:index") in client.get(reverse("manage:period_list", args=["kaltim"])).text
    )
    client.force_login(world["officer"])
    assert reverse("manage:index") not in client.get(reverse("home")).text


# --- create ---------------------------------------------------------------------


def test_create_period_uses_default_map(client, world):
    login(client, world["admin"])
    response = create_period(client, world)
    assert response.status_code == 302
    period = EvaluationPeriod.objects.get(instansi=world["instansi"], year=2025)
    assert period.state == PeriodState.DRAFT
    assert str(period.target_index) == "3.00"
    assignments = {
        a.indicator.code: a
        for a in Assignment.objects.filter(period=period).select_related("indicator")
    }
    assert len(assignments) == 47
    opds = world["opds"]
    expected = {
        "1": "diskominfo",
        "31": "diskominfo",
        "32": "bappeda",
        "33": "bpkad",
        "34": "bpkad",
        "35": "pengadaan",
        "36": "bkd",
        "37": "arsip",
        "38": "bpkad",
        "39": "inspektorat",
        "40": "organisasi",
        "41": "bkd",
        "42": "diskominfo",
        "43": "diskominfo",
        "44": "hukum",
        "45": "diskominfo",
        "47": "diskominfo",
    }
    for code, key in expected.items():
        assert assignments[code].responsible_opd == opds[key], code
    assert set(assignments["13"].contributors.all()) == {opds["bappeda"], opds["bpkad"]}
    assert list(assignments["42"].contributors.all()) == [opds["adpim"]]
    answers = Answer.objects.filter(period=period)
    assert answers.count() == 47
    assert answers.get(indicator__code="35").opd == opds["pengadaan"]
    assert not answers.exclude(state=AnswerState.DRAFT).exists()


def test_missing_function_falls_back_to_diskominfo(client, world):
    world["opds"]["pengadaan"].delete()
    login(client, world["admin"])
    create_period(client, world)
    assignment = Assignment.objects.get(period__year=2025, indicator__code="35")
    assert assignment.responsible_opd == world["opds"]["diskominfo"]


def test_without_diskominfo_creation_fails_clearly(client, world):
    diskominfo = world["opds"]["diskominfo"]
    diskominfo.active = False
    diskominfo.save()
    login(client, world["admin"])
    response = create_period(client, world)
    assert response.status_code == 200
    assert "diskominfo" in response.text
    assert not EvaluationPeriod.objects.exists()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "override, message",
    [
        ({"fill_closes_at": "2020-01-01T00:00"}, "Batas pengisian harus sesudah"),
        ({"target_index": "9"}, "Target indeks tidak boleh melebihi"),
        ({"target_index": "abc"}, "angka"),
        ({"year": "1800"}, "2000"),
    ],
)
def test_create_rejects_bad_input(client, world, override, message):
    login(client, world["admin"])
    response = create_period(client, world, **override)
    assert response.status_code == 200
    assert message in response.text
    assert not EvaluationPeriod.objects.exists()


def test_create_rejects_duplicate_year(client, world):
    login(client, world["admin"])
    create_period(client, world)
    response = create_period(client, world)
    assert "sudah ada" in response.text
    assert EvaluationPeriod.objects.count() == 1


def test_create_form_renders(client, world):
    login(client, world["admin"])
    response = client.get(reverse("manage:period_create", args=["kaltim"]))
    assert response.status_code == 200
    assert "Berkas data dukung tidak disalin" in response.text


# --- copy from last year --------------------------------------------------------


def _previous_year(world):
    """A 2024 period with answers, evidence links and a changed assignment."""
    login_user = world["admin"]
    now = timezone.now()
    period = EvaluationPeriodFactory(
        instansi=world["instansi"],
        year=2024,
        framework=world["framework"],
        state=PeriodState.CLOSED,
        fill_opens_at=now - timedelta(days=400),
        fill_closes_at=now - timedelta(days=350),
        review_closes_at=now - timedelta(days=300),
    )
    from assessments import periods
    from assessments.lifecycle import answers_ensure

    periods._assignments_create(period=period, previous=None)
    answers_ensure(period=period)
    # The instansi moved indicator 1 to Bappeda last year: that choice carries over.
    Assignment.objects.filter(period=period, indicator__code="1").update(
        responsible_opd=world["opds"]["bappeda"]
    )
    Answer.objects.filter(period=period, indicator__code="1").update(opd=world["opds"]["bappeda"])
    answer = Answer.objects.get(period=period, indicator__code="1")
    answer.proposed_level = 4
    answer.validated_level = 3
    answer.explanation = "FAKTA: Pergub 4/2023 pasal 5. ANALISIS: mencakup arsitektur."
    answer.state = AnswerState.VALIDATED
    answer.save()
    EvidenceLink.objects.create(
        answer=answer,
        url="https://jdih.kaltimprov.go.id/pergub-4-2023",
        note="Pergub",
        added_by=login_user,
    )
    EvidenceLink.objects.create(
        answer=answer,
        url="https://example.test/old",
        added_by=login_user,
        withdrawn_at=now,
    )
    Answer.objects.filter(period=period, indicator__code="32").update(
        proposed_level=2, explanation="e-Planning"
    )
    return period


def test_copy_from_last_year_copies_levels_explanations_links(client, world):
    _previous_year(world)
    login(client, world["admin"])
    response = create_period(client, world, copy_from_previous="on")
    assert response.status_code == 302
    period = EvaluationPeriod.objects.get(year=2025)
    first = Answer.objects.get(period=period, indicator__code="1")
    assert first.state == AnswerState.DRAFT
    assert first.proposed_level == 4
    assert first.validated_level is None
    assert first.explanation.startswith("FAKTA: Pergub 4/2023")
    assert first.opd == world["opds"]["bappeda"]
    assert [link.url for link in first.evidence_links.all()] == [
        "https://jdih.kaltimprov.go.id/pergub-4-2023"
    ]
    assert not first.evidence_files.exists()
    assert Answer.objects.get(period=period, indicator__code="32").proposed_level == 2
    assert Answer.objects.get(period=period, indicator__code="2").proposed_level is None
    event = AnswerEvent.objects.get(answer=first)
    assert event.kind == EventKind.IMPORTED
    assert event.actor == world["admin"]
    assert "2024" in event.comment
    assert AnswerEvent.objects.filter(answer__period=period).count() == 2


def test_without_copy_only_assignments_carry_over(client, world):
    _previous_year(world)
    login(client, world["admin"])
    create_period(client, world)
    period = EvaluationPeriod.objects.get(year=2025)
    assert (
        Assignment.objects.get(period=period, indicator__code="1").responsible_opd
        == (world["opds"]["bappeda"])
    )
    assert not Answer.objects.filter(period=period, proposed_level__isnull=False).exists()
    assert not EvidenceLink.objects.filter(answer__period=period).exists()


def test_copy_without_previous_period_is_refused(client, world):
    login(client, world["admin"])
    response = create_period(client, world, copy_from_previous="on")
    assert response.status_code == 200
    assert "Tidak ada periode sebelumnya" in response.text
    assert not EvaluationPeriod.objects.exists()


# --- transitions ------------------------------------------------------------------


def transition(client, year, to_state):
    return client.post(
        reverse("manage:period_transition", args=["kaltim", year]), {"to_state": to_state}
    )


def test_transitions_follow_the_chain(client, world):
    login(client, world["admin"])
    create_period(client, world)
    period = EvaluationPeriod.objects.get(year=2025)
    detail = client.get(reverse("manage:period_detail", args=["kaltim", 2025]))
    assert 'value="open"' in detail.text
    assert 'value="closed"' not in detail.text
    for state in ("open", "in_review", "closed", "published"):
        response = transition(client, 2025, state)
        assert response.status_code == 302
        period.refresh_from_db()
        assert period.state == state
    detail = client.get(reverse("manage:period_detail", args=["kaltim", 2025]))
    assert "status akhir" in detail.text


@pytest.mark.parametrize(
    "start, target",
    [
        ("draft", "closed"),
        ("draft", "published"),
        ("open", "draft"),
        ("in_review", "open"),
        ("closed", "in_review"),
        ("published", "closed"),
        ("draft", "draft"),
    ],
)
def test_invalid_transitions_are_refused_with_a_message(client, world, start, target):
    period = EvaluationPeriodFactory(
        instansi=world["instansi"], year=2025, framework=world["framework"], state=start
    )
    login(client, world["admin"])
    response = client.post(
        reverse("manage:period_transition", args=["kaltim", 2025]),
        {"to_state": target},
        follow=True,
    )
    assert "tidak dapat diubah menjadi" in response.text
    period.refresh_from_db()
    assert period.state == start


def test_unknown_target_state_is_refused(client, world):
    period = EvaluationPeriodFactory(
        instansi=world["instansi"], year=2025, framework=world["framework"], state="draft"
    )
    login(client, world["admin"])
    response = transition(client, 2025, "bogus")
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.state == "draft"


def test_opening_requires_every_indicator_assigned(client, world):
    period = EvaluationPeriodFactory(
        instansi=world["instansi"], year=2025, framework=world["framework"], state="draft"
    )
    login(client, world["admin"])
    response = client.post(
        reverse("manage:period_transition", args=["kaltim", 2025]),
        {"to_state": "open"},
        follow=True,
    )
    assert "Belum semua indikator" in response.text
    period.refresh_from_db()
    assert period.state == "draft"


# --- windows -----------------------------------------------------------------------


def test_edit_windows_while_draft(client, world):
    login(client, world["admin"])
    create_period(client, world)
    url = reverse("manage:period_edit", args=["kaltim", 2025])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        window_data(
            fill_closes_at="2030-03-31T23:59",
            review_closes_at="2030-04-30T23:59",
            target_index="3,25",
        ),
    )
    assert response.status_code == 302
    period = EvaluationPeriod.objects.get(year=2025)
    assert timezone.localtime(period.fill_closes_at).strftime(FMT) == "2030-03-31T23:59"
    assert str(period.target_index) == "3.25"


def test_edit_windows_rejects_review_before_fill(client, world):
    login(client, world["admin"])
    create_period(client, world)
    before = EvaluationPeriod.objects.get(year=2025).review_closes_at
    response = client.post(
        reverse("manage:period_edit", args=["kaltim", 2025]),
        window_data(review_closes_at="2000-01-01T00:00"),
    )
    assert "Batas penilaian tidak boleh sebelum" in response.text
    assert EvaluationPeriod.objects.get(year=2025).review_closes_at == before


def test_edit_windows_refused_once_in_review(client, world):
    period = EvaluationPeriodFactory(
        instansi=world["instansi"], year=2025, framework=world["framework"], state="in_review"
    )
    before = period.fill_closes_at
    login(client, world["admin"])
    url = reverse("manage:period_edit", args=["kaltim", 2025])
    assert client.get(url).status_code == 302
    client.post(url, window_data(fill_closes_at="2031-01-01T00:00"))
    period.refresh_from_db()
    assert period.fill_closes_at == before


# --- final levels ------------------------------------------------------------------


@pytest.fixture
def closed_period(client, world):
    login(client, world["admin"])
    create_period(client, world)
    EvaluationPeriod.objects.filter(year=2025).update(state=PeriodState.CLOSED)
    return EvaluationPeriod.objects.get(year=2025)


def final_url():
    return reverse("manage:final_levels", args=["kaltim", 2025])


def test_final_levels_table_sets_every_indicator(client, world, closed_period):
    page = client.get(final_url())
    assert page.status_code == 200
    data = {"mode": "table", **{f"level_{n}": str(1 + n % 5) for n in range(1, 48)}}
    response = client.post(final_url(), data)
    assert response.status_code == 302
    finals = dict(
        Answer.objects.filter(period=closed_period).values_list("indicator__code", "final_level")
    )
    assert finals == {str(n): 1 + n % 5 for n in range(1, 48)}
    events = AnswerEvent.objects.filter(kind=EventKind.FINAL_SET, answer__period=closed_period)
    assert events.count() == 47
    event = events.get(answer__indicator__code="12")
    assert (event.value_before, event.value_after, event.actor) == ("", "3", world["admin"])


def test_final_levels_paste_changes_only_named_indicators(client, world, closed_period):
    Answer.objects.filter(period=closed_period, indicator__code="5").update(final_level=2)
    response = client.post(
        final_url(), {"mode": "paste", "pasted": "indikator,tingkat\n1,3\n2;4\n\n44\t5\n"}
    )
    assert response.status_code == 302
    finals = dict(
        Answer.objects.filter(period=closed_period, final_level__isnull=False).values_list(
            "indicator__code", "final_level"
        )
    )
    assert finals == {"1": 3, "2": 4, "44": 5, "5": 2}


def test_final_levels_bad_lines_change_nothing(client, world, closed_period):
    response = client.post(
        final_url(), {"mode": "paste", "pasted": "1,3\n99,2\n2,7\n3,x\n1,4\nfoo"}
    )
    assert response.status_code == 200
    text = response.text
    assert "Baris 2" in text and "&#x27;99&#x27; tidak dikenal" in text
    assert "Baris 3" in text and "1–5" in text
    assert "Baris 4" in text
    assert "Baris 5" in text and "lebih dari sekali" in text
    assert "Baris 6" in text
    assert not Answer.objects.filter(final_level__isnull=False).exists()
    assert not AnswerEvent.objects.filter(kind=EventKind.FINAL_SET).exists()


def test_final_levels_table_out_of_range_changes_nothing(client, world, closed_period):
    data = {"mode": "table", **{f"level_{n}": "3" for n in range(1, 48)}}
    data["level_7"] = "6"
    response = client.post(final_url(), data)
    assert response.status_code == 200
    assert not Answer.objects.filter(final_level__isnull=False).exists()


def test_final_levels_refused_while_open(client, world):
    login(client, world["admin"])
    create_period(client, world)
    response = client.post(final_url(), {"mode": "paste", "pasted": "1,3"}, follow=True)
    assert "setelah periode ditutup" in response.text
    assert not Answer.objects.filter(final_level__isnull=False).exists()


def test_final_levels_service_rejects_unknown_codes(world, closed_period):
    from django.core.exceptions import ValidationError

    from assessments.periods import final_levels_set

    with pytest.raises(ValidationError) as caught:
        final_levels_set(
            period=closed_period, user=world["admin"], levels={"1": 3, "X9": 2, "2": True}
        )
    assert len(caught.value.messages) == 2
    assert not Answer.objects.filter(final_level__isnull=False).exists()


def test_superuser_may_manage_any_instansi(client, world):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("manage:period_list", args=["kaltim"])).status_code == 200


def test_create_form_suggests_next_year_and_last_framework(client, world):
    EvaluationPeriodFactory(instansi=world["instansi"], year=2024, framework=world["framework"])
    login(client, world["admin"])
    form = client.get(reverse("manage:period_create", args=["kaltim"])).context["form"]
    assert form["year"].value() == 2025
    assert form["framework"].value() == world["framework"].pk
    assert form["copy_from_previous"].value() is True


def test_final_levels_paste_error_keeps_the_table_filled(client, world, closed_period):
    Answer.objects.filter(period=closed_period, indicator__code="7").update(final_level=4)
    response = client.post(final_url(), {"mode": "paste", "pasted": "7,9"})
    assert response.status_code == 200
    assert 'name="level_7" value="4"' in response.text
    assert "tidak ada nilai yang disimpan" in response.text
    assert Answer.objects.get(period=closed_period, indicator__code="7").final_level == 4


def test_final_levels_empty_paste_or_unknown_mode_changes_nothing(client, world, closed_period):
    response = client.post(final_url(), {"mode": "paste", "pasted": "  "})
    assert "Tempel minimal satu baris" in response.text
    response = client.post(final_url(), {"level_1": "3"}, follow=True)
    assert "Formulir tidak dikenal" in response.text
    assert not Answer.objects.filter(final_level__isnull=False).exists()


def test_final_levels_are_one_operation_with_one_event_per_answer(
    world, closed_period, django_capture_on_commit_callbacks
):
    """Index snapshots hear of the whole set once, through the lifecycle's
    answers_changed signal; each changed answer gets its own event."""
    from assessments.periods import final_levels_set
    from assessments.signals import answers_changed

    heard = []

    def listener(sender, period_ids, answer_ids, action, **kwargs):
        heard.append((action, set(period_ids), len(answer_ids)))

    answers_changed.connect(listener, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            final_levels_set(period=closed_period, user=world["admin"], levels={"1": 3, "2": 4})
    finally:
        answers_changed.disconnect(listener)
    assert heard == [("set_final", {closed_period.pk}, 2)]
    events = AnswerEvent.objects.filter(answer__period=closed_period, kind=EventKind.FINAL_SET)
    assert sorted(events.values_list("answer__indicator__code", flat=True)) == ["1", "2"]


def test_final_levels_page_shows_self_and_final_index(client, world, closed_period):
    """Kaltim 2024: level sums 37, 35, 31, 41, 28 give the final 3.79 (Sangat Baik)."""
    final = [4] * 7 + [3] * 3 + [4] * 5 + [3] * 5 + [3] * 9 + [2] * 2 + [5] + [4] * 9
    final += [5] * 4 + [4] * 2
    Answer.objects.filter(period=closed_period).update(validated_level=5)
    response = client.post(
        final_url(), {"mode": "table", **{f"level_{n}": str(final[n - 1]) for n in range(1, 48)}}
    )
    assert response.status_code == 302
    text = client.get(final_url()).text
    assert "3,79" in text and "Sangat Baik" in text
    assert "5,00" in text
    assert "0 dari 47 indikator terisi" in text  # nothing proposed in this period


def test_detail_warns_about_unsubmitted_answers_before_review(client, world):
    login(client, world["admin"])
    create_period(client, world)
    EvaluationPeriod.objects.filter(year=2025).update(state=PeriodState.OPEN)
    Answer.objects.filter(period__year=2025, indicator__code="1").update(
        state=AnswerState.SUBMITTED
    )
    text = client.get(reverse("manage:period_detail", args=["kaltim", 2025])).text
    assert "46 jawaban belum diajukan" in text


def test_draft_period_can_be_deleted(client, world):
    login(client, world["admin"])
    create_period(client, world)
    response = client.post(reverse("manage:period_delete", args=["kaltim", 2025]))
    assert response.status_code == 302
    assert not EvaluationPeriod.objects.exists()
    assert not Assignment.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize("state", ["open", "in_review", "closed", "published"])
def test_only_draft_periods_can_be_deleted(client, world, state):
    EvaluationPeriodFactory(
        instansi=world["instansi"], year=2025, framework=world["framework"], state=state
    )
    login(client, world["admin"])
    response = client.post(reverse("manage:period_delete", args=["kaltim", 2025]), follow=True)
    assert "Hanya periode berstatus draf" in response.text
    assert EvaluationPeriod.objects.filter(year=2025).exists()


@pytest.mark.parametrize("who", ["officer", "reviewer", "other_admin", None])
def test_outsiders_cannot_delete_a_period(client, world, who):
    EvaluationPeriodFactory(
        instansi=world["instansi"], year=2025, framework=world["framework"], state="draft"
    )
    if who:
        login(client, world[who])
    response = client.post(reverse("manage:period_delete", args=["kaltim", 2025]))
    assert response.status_code == (404 if who else 302)
    assert EvaluationPeriod.objects.filter(year=2025).exists()


def test_default_map_for_the_2026_framework(client, world):
    from django.core.management import call_command

    from indicators.models import FrameworkVersion

    call_command("load_framework", "pemdi-2026", verbosity=0)
    pemdi = FrameworkVersion.objects.get(code="pemdi-2026")
    login(client, world["admin"])
    response = client.post(
        reverse("manage:period_create", args=["kaltim"]),
        window_data(year="2026", framework=str(pemdi.pk)),
    )
    assert response.status_code == 302
    assignments = Assignment.objects.filter(period__year=2026)
    assert assignments.count() == pemdi.indicators.count() == 20
    assert {a.responsible_opd for a in assignments} == {world["opds"]["diskominfo"]}
    i3 = assignments.get(indicator__code="I3")
    assert list(i3.contributors.all()) == [world["opds"]["bkd"]]


# --- one step back -----------------------------------------------------------------


def test_an_administrator_moves_a_period_one_step_back_with_a_reason(client, world, closed_period):
    url = reverse("manage:period_step_back", args=["kaltim", closed_period.year])
    login(client, world["admin"])
    client.post(url, {"reason": ""})
    assert EvaluationPeriod.objects.get(pk=closed_period.pk).state == PeriodState.CLOSED

    login(client, world["other_admin"])
    assert client.post(url, {"reason": "Bukan urusan saya"}).status_code == 404
    login(client, world["reviewer"])
    assert client.post(url, {"reason": "Salah tekan"}).status_code in (403, 404)
    assert EvaluationPeriod.objects.get(pk=closed_period.pk).state == PeriodState.CLOSED

    login(client, world["admin"])
    response = client.post(url, {"reason": "Ditutup terlalu cepat; dua OPD belum dinilai."})
    assert response.status_code == 302
    assert EvaluationPeriod.objects.get(pk=closed_period.pk).state == PeriodState.IN_REVIEW
    page = client.get(reverse("manage:period_detail", args=["kaltim", closed_period.year]))
    body = page.content.decode()
    assert "Ditutup terlalu cepat; dua OPD belum dinilai." in body
    assert "Mundurkan status ke" in body


def test_every_forward_transition_asks_first_and_says_how_many_answers_it_touches(client, world):
    login(client, world["admin"])
    create_period(client, world)
    period = EvaluationPeriod.objects.get(year=2025)
    answers = Answer.objects.filter(period=period).count()
    page = client.get(reverse("manage:period_detail", args=["kaltim", 2025])).content.decode()
    assert 'data-confirm="confirm-transition-open"' in page
    assert '<dialog id="confirm-transition-open"' in page
    assert f"Perubahan ini berlaku untuk {answers} jawaban periode ini." in page
