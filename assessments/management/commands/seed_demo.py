import hashlib
import io
import os
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import check_password, make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessments.management.demo import data as demo
from assessments.models import (
    OPD,
    Answer,
    AnswerEvent,
    AnswerState,
    EvaluationPeriod,
    EventKind,
    EvidenceFile,
    EvidenceLink,
    Instansi,
    Membership,
    PeriodState,
    Role,
    User,
)
from assessments.notifications import notices as notifications
from assessments.periods import period_create
from indicators.models import FrameworkVersion, LevelName

WITA = ZoneInfo("Asia/Makassar")
URL = "http://127.0.0.1:8000/"
# Fill and review windows of the closed years, in Kaltim's own time zone.
HISTORIC_WINDOWS = {
    2023: ((2023, 2, 1), (2023, 4, 28), (2023, 6, 30)),
    2024: ((2024, 2, 1), (2024, 4, 30), (2024, 6, 28)),
}
OPEN_YEAR = 2025
# From 2026 the national instrument is the Indeks Pemdi (PermenPANRB 8/2026).
PEMDI_YEAR = 2026
PEMDI_CODE = "pemdi-2026"


class Command(BaseCommand):
    help = (
        "Seeds a living demo: Pemerintah Provinsi Kalimantan Timur (kaltim) with its OPDs and "
        "kabupaten/kota, users for every role, published periods 2023 and 2024 reproducing the "
        "published SPBE results, a 2025 period open for answers and about half filled, and a "
        "2026 period on the Indeks Pemdi (pemdi-2026) open for evidence per item. "
        "Idempotent: what exists is left as it is. Passwords come from DEMO_PASSWORD, or one is "
        "generated and printed for the accounts created in this run."
    )

    def handle(self, *args, **options):
        self.created: list[str] = []
        self.password = os.environ.get("DEMO_PASSWORD") or None
        generated = None
        if self.password is None:
            generated = self.password = _generate_password()
        self.stored_files: list[str] = []
        try:
            instansi, users, new_users = self._seed()
        except BaseException:
            # The rows rolled back; the evidence files written meanwhile must go too.
            for name in self.stored_files:
                default_storage.delete(name)
            raise
        self._snapshots()
        self._summary(instansi, users, new_users, generated)

    def _seed(self):
        with transaction.atomic():
            framework = self._framework()
            instansi = self._instansi()
            opds = self._opds(instansi)
            self._kabkota(instansi)
            users, new_users = self._users(instansi, opds)
            for year in HISTORIC_WINDOWS:
                self._historic_period(instansi, framework, year, users)
            self._kabkota_results(instansi, framework, users[demo.ADMINISTRATOR])
            self._open_period(instansi, framework, users)
            self._pemdi_period(instansi, users)
        return instansi, users, new_users

    # --- organisation --------------------------------------------------------

    def _framework(self) -> FrameworkVersion:
        framework = FrameworkVersion.objects.filter(code=demo.FRAMEWORK_CODE).first()
        if framework is None:
            call_command("load_framework", demo.FRAMEWORK_CODE, stdout=self.stdout)
            framework = FrameworkVersion.objects.get(code=demo.FRAMEWORK_CODE)
        return framework

    def _instansi(self) -> Instansi:
        instansi, created = Instansi.objects.get_or_create(
            code=demo.INSTANSI_CODE,
            defaults={"name": demo.INSTANSI_NAME, "kind": Instansi.Kind.PROVINSI},
        )
        if created:
            self.created.append(_("instansi %s") % instansi.name)
        return instansi

    def _opds(self, instansi: Instansi) -> dict[str, OPD]:
        existing = {opd.code: opd for opd in OPD.objects.filter(instansi=instansi)}
        new = [
            OPD(
                instansi=instansi,
                code=item.code,
                name=item.name,
                short_name=item.short_name,
                function_key=item.function_key,
            )
            for item in demo.OPDS
            if item.code not in existing
        ]
        for opd in OPD.objects.bulk_create(new):
            existing[opd.code] = opd
        if new:
            self.created.append(_("%d OPD") % len(new))
        # An administrator may have re-tagged OPDs; only fill a missing tag.
        for item in demo.OPDS:
            opd = existing[item.code]
            if item.function_key and not opd.function_key:
                opd.function_key = item.function_key
                opd.save(update_fields=["function_key"])
        return existing

    def _kabkota(self, instansi: Instansi) -> None:
        known = set(Instansi.objects.filter(parent=instansi).values_list("code", flat=True))
        new = [
            Instansi(code=item.code, name=item.name, kind=item.kind, parent=instansi)
            for item in demo.KABKOTA
            if item.code not in known and not Instansi.objects.filter(code=item.code).exists()
        ]
        Instansi.objects.bulk_create(new)
        if new:
            self.created.append(_("%d kabupaten/kota") % len(new))

    def _users(self, instansi: Instansi, opds: dict[str, OPD]):
        users: dict[str, User] = {}
        new_users: set[str] = set()
        explicit = os.environ.get("DEMO_PASSWORD")
        changed_passwords = 0
        # Demo accounts share one password by design, so hash it once (the
        # hasher is deliberately slow) and check each distinct stored hash once.
        hashed = None
        matches: dict[str, bool] = {}
        for item in demo.USERS:
            user = User.objects.filter(username=item.username).first()
            if user is None:
                hashed = hashed or make_password(self.password)
                user = User.objects.create(
                    username=item.username,
                    first_name=item.first_name,
                    last_name=item.last_name,
                    email=f"{item.username}@kaltim.example.com",
                    password=hashed,
                )
                new_users.add(item.username)
            elif explicit:
                if user.password not in matches:
                    matches[user.password] = check_password(explicit, user.password)
                if not matches[user.password]:
                    # An explicit DEMO_PASSWORD is the operator's wish for every demo account.
                    hashed = hashed or make_password(self.password)
                    user.password = hashed
                    user.save(update_fields=["password"])
                    changed_passwords += 1
            users[item.username] = user
            Membership.objects.get_or_create(
                user=user,
                instansi=instansi,
                role=item.role,
                opd=opds[item.opd] if item.opd else None,
            )
        if new_users:
            self.created.append(_("%d pengguna") % len(new_users))
        if changed_passwords:
            self.created.append(_("kata sandi %d pengguna diganti") % changed_passwords)
        return users, new_users

    # --- periods -------------------------------------------------------------

    def _historic_period(self, instansi, framework, year, users) -> None:
        if EvaluationPeriod.objects.filter(instansi=instansi, year=year).exists():
            return
        opens, closes, review = (
            datetime(*day, 8, 0, tzinfo=WITA) for day in HISTORIC_WINDOWS[year]
        )
        period = period_create(
            instansi=instansi,
            year=year,
            framework=framework,
            fill_opens_at=opens,
            fill_closes_at=closes,
            review_closes_at=review,
            target_index=demo.TARGETS.get(year),
            user=users[demo.ADMINISTRATOR],
        )
        # History is written as it ended; the live state machine (and the
        # notifications its transitions send) is for periods run in the portal.
        period.state = PeriodState.PUBLISHED
        period.save(update_fields=["state"])
        levels = demo.LEVELS[year]
        texts = _Texts(framework)
        officers = _officers_by_opd(users)
        reviewer = users[demo.REVIEWER]
        admin = users[demo.ADMINISTRATOR]
        answers = list(Answer.objects.filter(period=period).select_related("indicator__aspect"))
        events = []
        for number, answer in enumerate(answers):
            code = answer.indicator.code
            officer = officers.get(answer.opd_id) or users["opd.diskominfo"]
            proposed, validated, final = (levels[b][code] for b in ("self", "validated", "final"))
            submitted_at = closes - timedelta(days=10, hours=number % 7)
            reviewed_at = closes + timedelta(days=14, hours=number % 5)
            answer.proposed_level = proposed
            answer.validated_level = validated
            answer.final_level = final
            answer.explanation = texts.explanation(answer.indicator, proposed)
            answer.state = AnswerState.VALIDATED
            answer.submitted_at = submitted_at
            answer.updated_by = reviewer
            answer.updated_at = reviewed_at
            answer.version = 4
            events += [
                _event(
                    answer,
                    officer,
                    EventKind.SAVED,
                    submitted_at - timedelta(days=3),
                    AnswerState.DRAFT,
                    AnswerState.DRAFT,
                    "proposed_level",
                    "",
                    proposed,
                ),
                _event(
                    answer,
                    officer,
                    EventKind.SUBMITTED,
                    submitted_at,
                    AnswerState.DRAFT,
                    AnswerState.SUBMITTED,
                ),
                _review_event(answer, reviewer, reviewed_at, proposed, validated, texts),
                _event(
                    answer,
                    admin,
                    EventKind.FINAL_SET,
                    review + timedelta(days=120),
                    AnswerState.VALIDATED,
                    AnswerState.VALIDATED,
                    "final_level",
                    "",
                    final,
                    comment=_("Nilai akhir dari hasil evaluasi SPBE %s.") % year,
                ),
            ]
        Answer.objects.bulk_update(
            answers,
            [
                "proposed_level",
                "validated_level",
                "final_level",
                "explanation",
                "state",
                "submitted_at",
                "updated_by",
                "updated_at",
                "version",
            ],
        )
        AnswerEvent.objects.bulk_create(events)
        self.created.append(_("periode %s (diumumkan)") % year)

    def _kabkota_results(self, province, framework, admin) -> None:
        """Each kabupaten/kota's published 2024 index as final levels of a
        published 2024 period, so their results sit beside the province's.
        Only the index is published; the split over domains is illustrative."""
        opens, closes, review = (
            datetime(*day, 8, 0, tzinfo=WITA) for day in HISTORIC_WINDOWS[2024]
        )
        created = 0
        for item in demo.KABKOTA:
            child = Instansi.objects.filter(code=item.code, parent=province).first()
            if child is None or EvaluationPeriod.objects.filter(instansi=child, year=2024).exists():
                continue
            OPD.objects.get_or_create(
                instansi=child,
                code="diskominfo",
                defaults={
                    "name": "Dinas Komunikasi dan Informatika",
                    "short_name": "Diskominfo",
                    "function_key": "diskominfo",
                },
            )
            period = period_create(
                instansi=child,
                year=2024,
                framework=framework,
                fill_opens_at=opens,
                fill_closes_at=closes,
                review_closes_at=review,
                user=admin,
            )
            period.state = PeriodState.PUBLISHED
            period.save(update_fields=["state"])
            levels = demo.kabkota_levels(item.sums_2024)
            answers = list(Answer.objects.filter(period=period).select_related("indicator"))
            at = review + timedelta(days=120)
            for answer in answers:
                answer.final_level = levels[answer.indicator.code]
                answer.updated_by = admin
                answer.updated_at = at
                answer.version += 1
            Answer.objects.bulk_update(
                answers, ["final_level", "updated_by", "updated_at", "version"]
            )
            AnswerEvent.objects.bulk_create(
                _event(
                    answer, admin, EventKind.FINAL_SET, at, answer.state, answer.state,
                    "final_level", "", answer.final_level,
                    comment=_("Nilai akhir dari hasil evaluasi SPBE 2024."),
                )
                for answer in answers
            )  # fmt: skip
            created += 1
        if created:
            self.created.append(_("nilai akhir 2024 untuk %d kabupaten/kota") % created)

    def _open_period(self, instansi, framework, users) -> None:
        year = OPEN_YEAR
        if EvaluationPeriod.objects.filter(instansi=instansi, year=year).exists():
            return
        now = timezone.now()
        period = period_create(
            instansi=instansi,
            year=year,
            framework=framework,
            fill_opens_at=now - timedelta(minutes=5),
            fill_closes_at=now + timedelta(days=30),
            review_closes_at=now + timedelta(days=45),
            target_index=demo.TARGETS.get(year),
            user=users[demo.ADMINISTRATOR],
        )
        period.state = PeriodState.OPEN
        period.save(update_fields=["state"])
        texts = _Texts(framework)
        officers = _officers_by_opd(users)
        reviewer = users[demo.REVIEWER]
        answers = list(
            Answer.objects.filter(
                period=period, indicator__code__in=demo.PROGRESS_2025
            ).select_related("indicator__aspect", "opd")
        )
        events, links = [], []
        for number, answer in enumerate(answers):
            state, level = demo.PROGRESS_2025[answer.indicator.code]
            officer = officers.get(answer.opd_id) or users["opd.diskominfo"]
            saved_at = now - timedelta(hours=2 + number)
            answer.proposed_level = level
            answer.explanation = texts.explanation(answer.indicator, level)
            answer.updated_by = officer
            answer.updated_at = saved_at
            answer.version = 2
            events.append(
                _event(
                    answer,
                    officer,
                    EventKind.SAVED,
                    saved_at,
                    AnswerState.DRAFT,
                    AnswerState.DRAFT,
                    "proposed_level",
                    "",
                    level,
                )
            )
            if state != AnswerState.DRAFT:
                submitted_at = saved_at + timedelta(minutes=30)
                answer.submitted_at = submitted_at
                answer.version = 3
                events.append(
                    _event(
                        answer,
                        officer,
                        EventKind.SUBMITTED,
                        submitted_at,
                        AnswerState.DRAFT,
                        AnswerState.SUBMITTED,
                    )
                )
                links.append(
                    EvidenceLink(
                        answer=answer,
                        url=_evidence_url(answer.opd),
                        note=_("Halaman layanan; akun uji diberikan kepada asesor."),
                        added_by=officer,
                    )
                )
            if state == AnswerState.RETURNED:
                reason, comment = demo.RETURNS_2025[answer.indicator.code]
                events.append(
                    _event(
                        answer,
                        reviewer,
                        EventKind.RETURNED,
                        answer.submitted_at + timedelta(minutes=40),
                        AnswerState.SUBMITTED,
                        AnswerState.RETURNED,
                        reason=reason,
                        comment=comment,
                    )
                )
                answer.updated_by = reviewer
                answer.version = 4
            if state == AnswerState.VALIDATED:
                answer.validated_level = level
                events.append(
                    _review_event(
                        answer,
                        reviewer,
                        answer.submitted_at + timedelta(minutes=45),
                        level,
                        level,
                        texts,
                    )
                )
                answer.updated_by = reviewer
                answer.version = 4
            answer.state = state
        Answer.objects.bulk_update(
            answers,
            [
                "proposed_level",
                "validated_level",
                "explanation",
                "state",
                "submitted_at",
                "updated_by",
                "updated_at",
                "version",
            ],
        )
        AnswerEvent.objects.bulk_create(events)
        EvidenceLink.objects.bulk_create(links)
        self._evidence_files(
            [a for a in answers if a.state != AnswerState.DRAFT], officers, users, period
        )
        # The officers find their returned answers in their notifications.
        for answer in answers:
            if answer.state == AnswerState.RETURNED:
                reason, comment = demo.RETURNS_2025[answer.indicator.code]
                notifications.answer_returned_notify(answer=answer, reason=reason, comment=comment)
        self.created.append(_("periode %s (dibuka untuk pengisian)") % year)

    def _evidence_files(self, answers, officers, users, period) -> None:
        """One small PDF per answer handed in, so reviewers see a preview."""
        events = []
        for answer in answers:
            officer = officers.get(answer.opd_id) or users["opd.diskominfo"]
            content = demo_pdf(
                [
                    f"Data dukung indikator {answer.indicator.code} - {period.year}",
                    f"{answer.opd.name}",
                    f"{period.instansi.name}",
                    "Dokumen contoh untuk portal demo SPBE.",
                ]
            )
            evidence = EvidenceFile(
                answer=answer,
                original_name=f"data-dukung-{answer.indicator.code}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=officer,
            )
            evidence.file.save("evidence", ContentFile(content), save=False)
            self.stored_files.append(evidence.file.name)
            evidence.save()
            events.append(
                AnswerEvent(
                    answer=answer,
                    actor=officer,
                    kind=EventKind.EVIDENCE_ADDED,
                    created_at=answer.submitted_at - timedelta(minutes=5),
                    field="evidence_file",
                    value_after=f"{evidence.original_name} · SHA-256 {evidence.sha256[:12]}",
                )
            )
        AnswerEvent.objects.bulk_create(events)

    def _pemdi_period(self, instansi, users) -> None:
        """The 2026 cycle on the Indeks Pemdi, open and still empty: officers
        attach evidence per item; I5-I7 wait for their external values."""
        if EvaluationPeriod.objects.filter(instansi=instansi, year=PEMDI_YEAR).exists():
            return
        framework = FrameworkVersion.objects.filter(code=PEMDI_CODE).first()
        if framework is None:
            call_command("load_framework", PEMDI_CODE, stdout=io.StringIO())
            framework = FrameworkVersion.objects.get(code=PEMDI_CODE)
        now = timezone.now()
        period = period_create(
            instansi=instansi,
            year=PEMDI_YEAR,
            framework=framework,
            fill_opens_at=now - timedelta(minutes=5),
            fill_closes_at=now + timedelta(days=60),
            review_closes_at=now + timedelta(days=75),
            user=users[demo.ADMINISTRATOR],
        )
        period.state = PeriodState.OPEN
        period.save(update_fields=["state"])
        self.created.append(_("periode %s (Indeks Pemdi, dibuka)") % PEMDI_YEAR)

    def _snapshots(self) -> None:
        """Stored index snapshots, so the dashboards show the demo years at
        once (unchanged inputs rewrite nothing). Left to the reports app when
        its command isn't there."""
        wanted = [
            (demo.INSTANSI_CODE, year, basis)
            for year in HISTORIC_WINDOWS
            for basis in ("self", "validated", "final")
        ]
        wanted += [(item.code, 2024, "final") for item in demo.KABKOTA]
        for code, year, basis in wanted:
            try:
                call_command(
                    "compute_index",
                    period=year,
                    instansi=code,
                    basis=basis,
                    stdout=io.StringIO(),
                )
            except CommandError:
                continue

    # --- output --------------------------------------------------------------

    def _summary(self, instansi, users, new_users, generated) -> None:
        out = self.stdout.write
        if self.created:
            out(
                self.style.SUCCESS(
                    _("Data demo dibuat atau diperbarui: %s.") % ", ".join(self.created)
                )
            )
        else:
            out(_("Data demo sudah lengkap; tidak ada yang diubah."))
        periods = EvaluationPeriod.objects.filter(instansi=instansi).order_by("year")
        out(
            _("%(name)s: %(opds)d OPD, %(children)d kabupaten/kota, periode %(years)s.")
            % {
                "name": instansi.name,
                "opds": instansi.opds.count(),
                "children": instansi.children.count(),
                "years": ", ".join(f"{p.year} ({p.get_state_display()})" for p in periods),
            }
        )
        out(
            _("Kabupaten/kota (indeks SPBE 2024): %s.")
            % "; ".join(
                f"{item.name.split(' ', 2)[-1]} {number_format(item.index_2024, 2)}"
                for item in demo.KABKOTA
            )
        )
        out(_("Portal: %s") % URL)
        out(_("Akun demo (nama pengguna / peran / kata sandi):"))
        for item in demo.USERS:
            held = str(Role(item.role).label)
            if item.opd:
                held += f" {users[item.username].memberships.first().opd}"
            if item.username in new_users or os.environ.get("DEMO_PASSWORD"):
                password = self.password
            else:
                password = _("(tidak berubah; lihat keluaran seed_demo pertama)")
            out(f"  {item.username:<16} {held:<34} {password}")
        if generated and new_users:
            out(
                _(
                    "Kata sandi dibuat acak dan tidak disimpan di mana pun selain di basis data "
                    "(sebagai hash); catat sekarang, atau jalankan ulang dengan DEMO_PASSWORD=... "
                    "untuk menggantinya."
                )
            )


class _Texts:
    """FAKTA/ANALISIS explanations built from the framework's own criteria."""

    def __init__(self, framework):
        self.criteria = {(c.indicator_id, c.level): c.text for c in _criteria(framework)}
        self.level_names = {
            (n.capability, n.level): n.name for n in LevelName.objects.filter(framework=framework)
        }

    def level_name(self, indicator, level) -> str:
        return self.level_names.get((indicator.capability, level), "")

    def explanation(self, indicator, level) -> str:
        fact = demo.FACTS_BY_ASPECT.get(indicator.aspect.code, _("dokumen pendukung"))
        criterion = self.criteria.get((indicator.id, level), "")
        return _(
            "FAKTA: %(fact)s (terlampir).\n"
            "ANALISIS: data dukung memenuhi kriteria tingkat %(level)s (%(name)s): %(criterion)s"
        ) % {
            "fact": fact,
            "level": level,
            "name": self.level_name(indicator, level),
            "criterion": criterion,
        }


def _criteria(framework):
    from indicators.models import LevelCriterion

    return LevelCriterion.objects.filter(indicator__framework=framework)


def _officers_by_opd(users) -> dict[int, User]:
    by_opd = {}
    for membership in Membership.objects.filter(
        user__in=users.values(), role=Role.OFFICER
    ).order_by("id"):
        by_opd.setdefault(membership.opd_id, membership.user)
    return by_opd


def _event(answer, actor, kind, at, before, after, field="", old="", new="", **extra):
    return AnswerEvent(
        answer=answer,
        actor=actor,
        kind=kind,
        created_at=at,
        state_before=before,
        state_after=after,
        field=field,
        value_before=str(old),
        value_after=str(new),
        **extra,
    )


def _review_event(answer, reviewer, at, proposed, validated, texts):
    # As the reviewer side records it: "before" is the level the OPD proposed.
    if validated == proposed:
        return _event(
            answer,
            reviewer,
            EventKind.ACCEPTED,
            at,
            AnswerState.SUBMITTED,
            AnswerState.VALIDATED,
            "validated_level",
            proposed,
            validated,
        )
    justification = _(
        "JUSTIFIKASI: data dukung mendukung tingkat %(validated)s (%(name)s); kriteria "
        "tingkat %(proposed)s belum terpenuhi."
    ) % {
        "validated": validated,
        "name": texts.level_name(answer.indicator, validated),
        "proposed": proposed,
    }
    return _event(
        answer,
        reviewer,
        EventKind.ADJUSTED,
        at,
        AnswerState.SUBMITTED,
        AnswerState.VALIDATED,
        "validated_level",
        proposed,
        validated,
        comment=justification,
    )


def demo_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing `lines` (Latin-1 text, Helvetica)."""

    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = (
        "BT /F1 14 Tf 72 760 Td 18 TL "
        + " ".join(f"({escape(line)}) Tj T*" for line in lines)
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _evidence_url(opd) -> str:
    # The province's real portal; demo links must not invent agency sites.
    return "https://kaltimprov.go.id/"


def _generate_password() -> str:
    return "demo-" + secrets.token_urlsafe(9)
