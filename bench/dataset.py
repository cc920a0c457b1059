"""National-scale dataset: 650 instansi x 47 indicators x 3 periods with
explanations, evidence records and audit events, plus one province with 45
OPDs over 5 years. Written with PostgreSQL COPY (no signals, no UI), then
ANALYZEd and given its snapshots, so the benchmarks start from the state a
real deployment would be in.

    python bench/dataset.py [--instansi 650] [--seed 2026]

Run by bench/run.py with the benchmark environment (bench/common.py);
prints a JSON summary (row counts, seconds) as its last line.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from common import (
    NATIONAL_YEARS,
    OPEN_YEAR,
    PASSWORD,
    PROVINCE,
    PROVINCE_YEARS,
    Timer,
    django_setup,
    emit,
)

# One extra perangkat daerah brings the demo list of Kaltim's OPDs to 45.
EXTRA_OPD = ("disperkim", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim")
TINY_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXPLANATION = (
    "FAKTA: Peraturan Gubernur Nomor {n} Tahun {year} tentang {topic}, Pasal {art} "
    "halaman {page}; dokumen reviu tahun {year}. ANALISIS: kebijakan mengatur ruang lingkup "
    "sesuai kriteria tingkat {level}, telah ditetapkan dan diterapkan pada seluruh perangkat "
    "daerah; bukti penerapan terlampir sebagai data dukung."
)


def copy_rows(model, fields: str, rows) -> int:
    """COPY rows (tuples in the order of the space-separated `fields`) into
    the model's table."""
    from django.db import connection

    meta = model._meta
    named = [meta.get_field(name) for name in fields.split()]
    # Columns added to the models since this script was written get their
    # model default, so a new NOT NULL field does not break the benchmark.
    defaulted = [
        field
        for field in meta.concrete_fields
        if field not in named and not field.primary_key and not field.null and field.has_default()
    ]
    tail = tuple(field.get_db_prep_save(field.get_default(), connection) for field in defaulted)
    columns = ", ".join(field.column for field in named + defaulted)
    count = 0
    sql = f"COPY {meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(tuple(row) + tail)
            count += 1
    return count


def aware(year: int, month: int, day: int) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(year, month, day, 9, 0))


def build(*, instansi_count: int, seed: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments.default_assignment import FunctionKey, resolve
    from assessments.management.demo import data as demo_data
    from assessments.models import (
        OPD,
        Answer,
        AnswerEvent,
        AnswerState,
        Assignment,
        EvaluationPeriod,
        EventKind,
        EvidenceFile,
        Instansi,
        Membership,
        PeriodState,
        Role,
        User,
    )
    from indicators.models import FrameworkVersion
    from reports.snapshots import snapshots_compute_for_year

    rng = random.Random(seed)
    counts: dict[str, int] = {}
    call_command("load_framework", demo_data.FRAMEWORK_CODE, verbosity=0)
    framework = FrameworkVersion.objects.get(code=demo_data.FRAMEWORK_CODE)
    indicators = list(framework.indicators.order_by("position").values_list("id", "code"))
    codes = [code for _id, code in indicators]
    now = timezone.now()

    with transaction.atomic():
        # --- organisations ---------------------------------------------------
        instansi_rows = [(PROVINCE, demo_data.INSTANSI_NAME, Instansi.Kind.PROVINSI)]
        for n in range(1, instansi_count):
            kind = Instansi.Kind.KOTA if n % 5 == 0 else Instansi.Kind.KABUPATEN
            label = "Kota" if kind == Instansi.Kind.KOTA else "Kabupaten"
            instansi_rows.append((f"bench-{n:03d}", f"Pemerintah {label} Uji {n:03d}", kind))
        counts["instansi"] = copy_rows(Instansi, "code name kind", instansi_rows)
        instansi_ids = dict(Instansi.objects.values_list("code", "id"))

        opd_rows = []
        province_opds = [(o.code, o.name, o.short_name, o.function_key) for o in demo_data.OPDS]
        province_opds.append((*EXTRA_OPD, ""))
        for code, name, short, key in province_opds:
            opd_rows.append((instansi_ids[PROVINCE], code, name, short, True, key))
        for code, iid in instansi_ids.items():
            if code == PROVINCE:
                continue
            for key, label in FunctionKey.choices:
                opd_rows.append((iid, key, f"OPD {label}", key.upper(), True, key))
        fields = "instansi code name short_name active function_key"
        counts["opd"] = copy_rows(OPD, fields, opd_rows)
        opds = {
            (iid, code): (pk, key)
            for pk, iid, code, key in OPD.objects.values_list(
                "id", "instansi_id", "code", "function_key"
            )
        }

        # --- people: a reviewer and a leader per instansi, an officer per OPD --
        password = make_password(PASSWORD)  # hashed once, shared by every user
        user_rows, member_plan = [], []
        prefix = {code: ("prov" if code == PROVINCE else code) for code in instansi_ids}
        for code, iid in instansi_ids.items():
            for role in (Role.REVIEWER, Role.LEADERSHIP):
                user_rows.append(f"{prefix[code]}.{role.value}")
                member_plan.append((user_rows[-1], iid, role.value, None))
        for (iid, opd_code), (opd_id, _key) in opds.items():
            user_rows.append(f"{iid}.{opd_code}")
            member_plan.append((user_rows[-1], iid, Role.OFFICER.value, opd_id))
        counts["user"] = copy_rows(
            User,
            "password is_superuser username first_name "
            "last_name email is_staff is_active date_joined",
            (
                (password, False, name, "Pengguna", "Uji", f"{name}@bench.test", False, True, now)
                for name in user_rows
            ),
        )
        user_ids = dict(User.objects.values_list("username", "id"))
        counts["membership"] = copy_rows(
            Membership,
            "user instansi role opd",
            ((user_ids[u], iid, role, opd) for u, iid, role, opd in member_plan),
        )
        officer_of_opd = {opd: user_ids[u] for u, _i, role, opd in member_plan if opd}

        # --- periods and assignments ------------------------------------------------
        period_rows = []
        for code, iid in instansi_ids.items():
            for year in PROVINCE_YEARS if code == PROVINCE else NATIONAL_YEARS:
                if year == OPEN_YEAR:
                    window = (
                        PeriodState.OPEN,
                        now - timedelta(days=10),
                        now + timedelta(days=20),
                        now + timedelta(days=40),
                    )
                else:
                    window = (
                        PeriodState.PUBLISHED,
                        aware(year, 3, 1),
                        aware(year, 5, 31),
                        aware(year, 7, 31),
                    )
                period_rows.append((iid, year, framework.pk, *window, "3.00"))
        counts["period"] = copy_rows(
            EvaluationPeriod,
            "instansi year framework state "
            "fill_opens_at fill_closes_at review_closes_at target_index",
            period_rows,
        )
        periods = list(EvaluationPeriod.objects.values_list("id", "instansi_id", "year"))

        routes = {}
        for iid in instansi_ids.values():
            by_key = {key: pk for (i, _c), (pk, key) in opds.items() if i == iid and key}
            routes[iid] = resolve(
                framework_code=framework.code, indicator_codes=codes, opds_by_key=by_key
            )
        counts["assignment"] = copy_rows(
            Assignment,
            "period indicator responsible_opd",
            (
                (pid, ind_id, routes[iid][code][0])
                for pid, iid, _y in periods
                for ind_id, code in indicators
            ),
        )
        assignment_ids = {
            (p, i): pk for pk, p, i in Assignment.objects.values_list("id", "period", "indicator")
        }
        counts["assignment_contributor"] = copy_rows(
            Assignment.contributors.through,
            "assignment opd",
            (
                (assignment_ids[(pid, ind_id)], contributor)
                for pid, iid, _y in periods
                for ind_id, code in indicators
                for contributor in routes[iid][code][1]
            ),
        )

        # --- answers: published years validated, the open year in progress ------
        answer_rows, plans = [], {}
        topics = ["Arsitektur SPBE", "Manajemen Data", "Keamanan Informasi", "Layanan Publik"]
        for pid, iid, year in periods:
            ability = rng.uniform(1.5, 4.5)
            for position, (ind_id, code) in enumerate(indicators):
                opd_id = routes[iid][code][0]
                level = max(1, min(5, round(rng.gauss(ability, 0.8))))
                explanation = EXPLANATION.format(
                    n=rng.randint(1, 60),
                    year=year - 1,
                    topic=topics[position % len(topics)],
                    art=rng.randint(1, 30),
                    page=rng.randint(1, 80),
                    level=level,
                )
                if year != OPEN_YEAR:
                    validated = max(1, level - rng.choice((0, 0, 1)))
                    final = max(1, validated - rng.choice((0, 0, 0, 1)))
                    row = (AnswerState.VALIDATED, level, explanation, validated, final, 4)
                    submitted = aware(year, 5, 20)
                elif position % 5 == 0:  # untouched drafts: what the load test edits
                    row, submitted = (AnswerState.DRAFT, None, "", None, None, 1), None
                elif position % 5 == 1:
                    row, submitted = (AnswerState.DRAFT, level, explanation, None, None, 3), None
                else:
                    row = (AnswerState.SUBMITTED, level, explanation, None, None, 4)
                    submitted = now - timedelta(days=2)
                plans[(pid, ind_id)] = (row[0], opd_id, iid, year, code, row[1] is None)
                answer_rows.append(
                    (
                        uuid.uuid4(),
                        pid,
                        ind_id,
                        opd_id,
                        *row,
                        submitted,
                        now,
                        officer_of_opd[opd_id],
                    )
                )
        counts["answer"] = copy_rows(
            Answer,
            "public_id period indicator opd state proposed_level "
            "explanation validated_level final_level version submitted_at updated_at updated_by",
            answer_rows,
        )
        del answer_rows

        # --- evidence: one tiny stored file per period, shared by its records ---
        storage_root = Path(settings.PRIVATE_FILES_ROOT)
        digest = hashlib.sha256(TINY_PDF).hexdigest()
        stored = {}
        for pid, _iid, _year in periods:
            name = f"evidence/{pid}/{uuid.uuid4().hex}"
            path = storage_root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(TINY_PDF)
            stored[pid] = name
        province_id = instansi_ids[PROVINCE]
        reviewer_of = {iid: user_ids[f"{prefix[c]}.reviewer"] for c, iid in instansi_ids.items()}

        evidence_rows, event_rows = [], []
        for answer_id, pid, ind_id in Answer.objects.values_list("id", "period_id", "indicator_id"):
            state, opd_id, iid, year, code, empty = plans[(pid, ind_id)]
            if empty:
                continue
            officer = officer_of_opd[opd_id]
            files = 3 if iid == province_id else 1
            when = aware(year, 4, 10) if year != OPEN_YEAR else now - timedelta(days=5)
            if state == AnswerState.DRAFT and rng.random() < 0.5 and year == OPEN_YEAR:
                continue  # some drafts have no evidence yet
            for n in range(files):
                evidence_rows.append(
                    (
                        uuid.uuid4(),
                        answer_id,
                        stored[pid],
                        f"bukti-{code}-{n + 1}.pdf",
                        "application/pdf",
                        len(TINY_PDF),
                        digest,
                        officer,
                        when,
                        None,
                    )
                )
            event_rows.append(
                (answer_id, officer, EventKind.SAVED, "", "", "proposed_level", "", "3", when)
            )
            event_rows.append(
                (answer_id, officer, EventKind.SAVED, "", "", "explanation", "", "…", when)
            )
            event_rows.append(
                (
                    answer_id,
                    officer,
                    EventKind.EVIDENCE_ADDED,
                    "",
                    "",
                    "evidence_file",
                    "",
                    f"bukti-{code}-1.pdf · SHA-256 {digest[:12]}",
                    when,
                )
            )
            if state in (AnswerState.SUBMITTED, AnswerState.VALIDATED):
                event_rows.append(
                    (
                        answer_id,
                        officer,
                        EventKind.SUBMITTED,
                        "draft",
                        "submitted",
                        "state",
                        "3",
                        "3",
                        when + timedelta(days=1),
                    )
                )
            if state == AnswerState.VALIDATED:
                event_rows.append(
                    (
                        answer_id,
                        reviewer_of[iid],
                        EventKind.ACCEPTED,
                        "submitted",
                        "validated",
                        "state",
                        "3",
                        "3",
                        when + timedelta(days=3),
                    )
                )
        counts["evidence_file"] = copy_rows(
            EvidenceFile,
            "public_id answer file original_name content_type "
            "size sha256 uploaded_by uploaded_at withdrawn_at",
            evidence_rows,
        )
        counts["answer_event"] = copy_rows(
            AnswerEvent,
            "answer actor kind state_before state_after "
            "field value_before value_after created_at reason comment",
            ((*row, "", "") for row in event_rows),
        )

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for year in sorted(set(PROVINCE_YEARS) | set(NATIONAL_YEARS)):
        snapshots_compute_for_year(year=year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_indexsnapshot")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instansi", type=int, default=650)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    django_setup()
    with Timer() as timer:
        counts = build(instansi_count=args.instansi, seed=args.seed)
    emit({"seconds": round(timer.seconds, 1), "rows": counts, "instansi": args.instansi})


if __name__ == "__main__":
    main()
