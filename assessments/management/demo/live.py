"""The demo's live years: 2025 open for answers and about half done, and
2026 on the Indeks Pemdi, open and still empty. The 2025 answers are worked
through the portal's own functions, exactly as its users would: officers save,
attach evidence and submit; the internal assessors accept or return. So every
event, notification and snapshot is the one a real round would produce."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import answering, review
from assessments.evidence import attach, tags
from assessments.management.demo import Seeding
from assessments.management.demo import data as demo
from assessments.management.demo.texts import EVIDENCE_URL, Texts, demo_pdf, officers_by_opd
from assessments.models import Answer, AnswerState, EvaluationPeriod, PeriodState
from assessments.periods import period_create
from indicators.models import EvidenceCriterion, FrameworkVersion

OPEN_YEAR = 2025
PEMDI_YEAR = 2026
PEMDI_CODE = "pemdi-2026"


def _open(instansi, framework, year, days, admin, target=None) -> EvaluationPeriod:
    now = timezone.now()
    period = period_create(
        instansi=instansi,
        year=year,
        framework=framework,
        fill_opens_at=now - timedelta(minutes=5),
        fill_closes_at=now + timedelta(days=days),
        review_closes_at=now + timedelta(days=days + 15),
        target_index=target,
        user=admin,
    )
    period.state = PeriodState.OPEN
    period.save(update_fields=["state"])
    return period


def _hand_in(seeding: Seeding, answer: Answer, officer) -> Answer:
    """Evidence as an officer attaches it (a link and a small PDF), then the
    submission."""
    attach.evidence_link_add(
        answer=answer,
        user=officer,
        url=EVIDENCE_URL,
        note=_("Halaman layanan; akun uji diberikan kepada asesor."),
    )
    code = answer.indicator.code
    period = answer.period
    content = demo_pdf(
        [
            f"Data dukung indikator {code} - {period.year}",
            answer.opd.name,
            period.instansi.name,
            "Dokumen contoh untuk portal demo SPBE.",
        ]
    )
    upload = SimpleUploadedFile(f"data-dukung-{code}.pdf", content, "application/pdf")
    evidence = attach.evidence_add(answer=answer, user=officer, uploaded_file=upload)
    seeding.stored_files.append(evidence.file.name)
    # The file proves the chosen level's evidence criteria but the last, so the
    # reviewer sees the guideline's checklist with one item still open.
    keys = list(
        EvidenceCriterion.objects.filter(
            criterion__indicator=answer.indicator, criterion__level=answer.proposed_level
        ).values_list("key", flat=True)
    )
    tags.evidence_tag(evidence=evidence, user=officer, keys=keys[:-1] or keys)
    return answering.answer_submit(answer=answer, user=officer, expected_version=answer.version)


def open_period(seeding: Seeding, instansi, framework, users) -> None:
    if EvaluationPeriod.objects.filter(instansi=instansi, year=OPEN_YEAR).exists():
        return
    admin, reviewer = users[demo.ADMINISTRATOR], users[demo.REVIEWER]
    period = _open(instansi, framework, OPEN_YEAR, 30, admin, demo.TARGETS.get(OPEN_YEAR))
    texts = Texts(framework)
    officers = officers_by_opd(users)
    answers = Answer.objects.filter(
        period=period, indicator__code__in=demo.PROGRESS_2025
    ).select_related("indicator__aspect", "opd", "period__framework", "period__instansi")
    for answer in answers:
        state, level = demo.PROGRESS_2025[answer.indicator.code]
        officer = officers[answer.opd_id]
        answer = answering.answer_save(
            answer=answer,
            user=officer,
            level=level,
            explanation=texts.explanation(answer.indicator, level),
            expected_version=answer.version,
        )
        if state == AnswerState.DRAFT:
            continue
        answer = _hand_in(seeding, answer, officer)
        if state == AnswerState.RETURNED:
            reason, comment = demo.RETURNS_2025[answer.indicator.code]
            review.answer_return(answer=answer, user=reviewer, reason=reason, comment=comment)
        elif state == AnswerState.VALIDATED:
            review.answer_accept(answer=answer, user=reviewer)
    seeding.created.append(_("periode %s (dibuka untuk pengisian)") % OPEN_YEAR)


def pemdi_period(seeding: Seeding, instansi, users, load_framework) -> None:
    """The 2026 cycle on the Indeks Pemdi, open and still empty: officers
    attach evidence per item; I5-I7 wait for their external values."""
    if EvaluationPeriod.objects.filter(instansi=instansi, year=PEMDI_YEAR).exists():
        return
    framework = FrameworkVersion.objects.filter(code=PEMDI_CODE).first()
    if framework is None:
        framework = load_framework(PEMDI_CODE)
    _open(instansi, framework, PEMDI_YEAR, 60, users[demo.ADMINISTRATOR])
    seeding.created.append(_("periode %s (Indeks Pemdi, dibuka)") % PEMDI_YEAR)
