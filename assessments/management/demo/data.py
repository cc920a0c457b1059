"""Demo data: Pemerintah Provinsi Kalimantan Timur, its OPDs and kabupaten/
kota, and level sets that reproduce Kaltim's published SPBE results.

Pure data, no ORM. The level sets are per indicator of spbe-2020 (codes
"1".."47"), written out in blocks per aspect group so each block's sum can
be checked against FRAMEWORK.md ("Real numbers"):
  2023 final  30 | 19 | 18 | 34 + 28  -> 2.91 (D1 3.00, D2 1.90, D3 1.64, D4 3.90)
  2024 final  37 | 35 | 31 | 41 + 28  -> 3.7885 = 3.79 (3.70, 3.50, 2.82, 4.32)
  2024 self   40 | 41 | 39 | 48 + 30  -> 4.35 exactly
Validated and 2023 self sets lie between (self >= validated >= final for
every indicator); tests/test_seed_demo.py recomputes all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

INSTANSI_CODE = "kaltim"
INSTANSI_NAME = "Pemerintah Provinsi Kalimantan Timur"
FRAMEWORK_CODE = "spbe-2020"
# The national evaluations of 2024 and 2025 applied 59/2020 through Pedoman
# MenPANRB 3/2024 (spbe-2024: same indicators, weights and bands, so the
# published figures are the same); 2023 keeps the 59/2020 questionnaire.
FRAMEWORK_BY_YEAR = {2023: "spbe-2020", 2024: "spbe-2024", 2025: "spbe-2024"}


@dataclass(frozen=True)
class DemoOPD:
    code: str
    name: str
    short_name: str
    function_key: str = ""


# Perangkat daerah of the province (Perda Kaltim on the organisation of
# perangkat daerah and its amendments). function_key ties an OPD to the
# default assignment map (assessments/default_assignment.py).
OPDS: tuple[DemoOPD, ...] = (
    DemoOPD("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo", "diskominfo"),
    DemoOPD("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "bappeda"),
    DemoOPD("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "bpkad"),
    DemoOPD("bkd", "Badan Kepegawaian Daerah", "BKD", "bkd"),
    DemoOPD("inspektorat", "Inspektorat Daerah", "Inspektorat", "inspektorat"),
    DemoOPD("biro-pbj", "Biro Pengadaan Barang dan Jasa", "Biro PBJ", "pengadaan"),
    DemoOPD("biro-organisasi", "Biro Organisasi", "Biro Organisasi", "organisasi"),
    DemoOPD("biro-hukum", "Biro Hukum", "Biro Hukum", "hukum"),
    DemoOPD("biro-adpim", "Biro Administrasi Pimpinan", "Biro Adpim", "adpim"),
    DemoOPD("dpk", "Dinas Perpustakaan dan Kearsipan", "DPK", "arsip"),
    DemoOPD("biro-pemerintahan", "Biro Pemerintahan dan Otonomi Daerah", "Biro Pemotda"),
    DemoOPD("biro-kesra", "Biro Kesejahteraan Rakyat", "Biro Kesra"),
    DemoOPD("biro-perekonomian", "Biro Perekonomian", "Biro Perekonomian"),
    DemoOPD("biro-adbang", "Biro Administrasi Pembangunan", "Biro Adbang"),
    DemoOPD("biro-umum", "Biro Umum", "Biro Umum"),
    DemoOPD("setwan", "Sekretariat DPRD", "Setwan"),
    DemoOPD("bapenda", "Badan Pendapatan Daerah", "Bapenda"),
    DemoOPD("bpsdm", "Badan Pengembangan Sumber Daya Manusia", "BPSDM"),
    DemoOPD("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    DemoOPD("kesbangpol", "Badan Kesatuan Bangsa dan Politik", "Kesbangpol"),
    DemoOPD("disdikbud", "Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
    DemoOPD("dinkes", "Dinas Kesehatan", "Dinkes"),
    DemoOPD(
        "dpupr-pera",
        "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat",
        "Dinas PUPR-Pera",
    ),
    DemoOPD("dishub", "Dinas Perhubungan", "Dishub"),
    DemoOPD("dinsos", "Dinas Sosial", "Dinsos"),
    DemoOPD("dispar", "Dinas Pariwisata", "Dispar"),
    DemoOPD(
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "DPMPTSP",
    ),
    DemoOPD("dlh", "Dinas Lingkungan Hidup", "DLH"),
    DemoOPD("dkp", "Dinas Kelautan dan Perikanan", "DKP"),
    DemoOPD("disbun", "Dinas Perkebunan", "Disbun"),
    DemoOPD("dptph", "Dinas Pangan, Tanaman Pangan dan Hortikultura", "DPTPH"),
    DemoOPD("dpkh", "Dinas Peternakan dan Kesehatan Hewan", "DPKH"),
    DemoOPD("dishut", "Dinas Kehutanan", "Dishut"),
    DemoOPD("desdm", "Dinas Energi dan Sumber Daya Mineral", "Dinas ESDM"),
    DemoOPD("disperindag", "Dinas Perindustrian dan Perdagangan", "Disperindag"),
    DemoOPD("diskop-ukm", "Dinas Koperasi dan Usaha Kecil dan Menengah", "Diskop UKM"),
    DemoOPD("disnakertrans", "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans"),
    DemoOPD("dispora", "Dinas Pemuda dan Olahraga", "Dispora"),
    DemoOPD(
        "dkp3a",
        "Dinas Kependudukan, Pemberdayaan Perempuan dan Perlindungan Anak",
        "DKP3A",
    ),
    DemoOPD(
        "dpmpd",
        "Dinas Pemberdayaan Masyarakat dan Pemerintahan Desa",
        "DPMPD",
    ),
    DemoOPD("satpol-pp", "Satuan Polisi Pamong Praja", "Satpol PP"),
    DemoOPD("rsud-aws", "Rumah Sakit Umum Daerah Abdoel Wahab Sjahranie", "RSUD AWS"),
    DemoOPD(
        "rsud-kanujoso",
        "Rumah Sakit Umum Daerah dr. Kanujoso Djatiwibowo",
        "RSUD Kanujoso",
    ),
    DemoOPD("rsjd-atma-husada", "Rumah Sakit Jiwa Daerah Atma Husada Mahakam", "RSJD AHM"),
)


@dataclass(frozen=True)
class DemoKabKota:
    code: str
    name: str
    kind: str  # Instansi.Kind value
    index_2024: Decimal
    # Final level sums per block (1–10 | 11–20 | 21–31 | 32–41 | 42–47) whose
    # index is exactly index_2024; spread over the block by kabkota_levels().
    sums_2024: tuple[int, int, int, int, int]


# The ten kabupaten/kota of Kaltim with their published 2024 SPBE index.
KABKOTA: tuple[DemoKabKota, ...] = (
    DemoKabKota(
        "kukar", "Pemerintah Kabupaten Kutai Kartanegara", "kabupaten", Decimal("3.09"),
        (30, 31, 26, 34, 20),
    ),
    DemoKabKota(
        "paser", "Pemerintah Kabupaten Paser", "kabupaten", Decimal("3.27"),
        (35, 31, 28, 36, 21),
    ),
    DemoKabKota(
        "berau", "Pemerintah Kabupaten Berau", "kabupaten", Decimal("2.28"),
        (25, 19, 19, 26, 16),
    ),
    DemoKabKota(
        "kubar", "Pemerintah Kabupaten Kutai Barat", "kabupaten", Decimal("2.62"),
        (25, 24, 22, 30, 18),
    ),
    DemoKabKota(
        "kutim", "Pemerintah Kabupaten Kutai Timur", "kabupaten", Decimal("3.02"),
        (30, 27, 26, 34, 21),
    ),
    DemoKabKota(
        "ppu", "Pemerintah Kabupaten Penajam Paser Utara", "kabupaten", Decimal("2.87"),
        (30, 25, 25, 32, 20),
    ),
    DemoKabKota(
        "mahulu", "Pemerintah Kabupaten Mahakam Ulu", "kabupaten", Decimal("2.25"),
        (25, 19, 17, 26, 16),
    ),
    DemoKabKota(
        "samarinda", "Pemerintah Kota Samarinda", "kota", Decimal("3.85"),
        (40, 36, 35, 42, 25),
    ),
    DemoKabKota(
        "balikpapan", "Pemerintah Kota Balikpapan", "kota", Decimal("3.96"),
        (40, 38, 37, 42, 26),
    ),
    DemoKabKota(
        "bontang", "Pemerintah Kota Bontang", "kota", Decimal("3.39"),
        (35, 34, 29, 36, 22),
    ),
)  # fmt: skip
BLOCK_SIZES = (10, 10, 11, 10, 6)


def kabkota_levels(sums: tuple[int, ...]) -> dict[str, int]:
    """Spreads each block sum evenly over its indicators (the first ones get
    the remainder), so the index is exact without per-indicator data."""
    blocks = []
    for total, size in zip(sums, BLOCK_SIZES, strict=True):
        base, extra = divmod(total, size)
        blocks.append([base + 1] * extra + [base] * (size - extra))
    return _levels(*blocks)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str  # Role value
    opd: str | None = None  # OPD code, officers only


USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Admin", "SPBE Kaltim", "administrator"),
    DemoUser("asesor", "Asesor Internal", "Diskominfo", "reviewer"),
    DemoUser("asesor2", "Asesor Internal 2", "Diskominfo", "reviewer"),
    DemoUser("pimpinan", "Pimpinan", "Bappeda", "leadership"),
    DemoUser("opd.diskominfo", "Petugas", "Diskominfo", "officer", "diskominfo"),
    DemoUser("opd.bappeda", "Petugas", "Bappeda", "officer", "bappeda"),
    DemoUser("opd.bpkad", "Petugas", "BPKAD", "officer", "bpkad"),
    DemoUser("opd.bkd", "Petugas", "BKD", "officer", "bkd"),
    DemoUser("opd.inspektorat", "Petugas", "Inspektorat", "officer", "inspektorat"),
    DemoUser("opd.pbj", "Petugas", "Biro PBJ", "officer", "biro-pbj"),
    DemoUser("opd.organisasi", "Petugas", "Biro Organisasi", "officer", "biro-organisasi"),
    DemoUser("opd.hukum", "Petugas", "Biro Hukum", "officer", "biro-hukum"),
    DemoUser("opd.dpk", "Petugas", "DPK", "officer", "dpk"),
)
REVIEWER = "asesor"
ADMINISTRATOR = "admin"


def _levels(*blocks: list[int]) -> dict[str, int]:
    flat = [level for block in blocks for level in block]
    return {str(code): level for code, level in enumerate(flat, start=1)}


# Blocks: 1–10 (D1) | 11–20 (D2) | 21–31 (D3) | 32–41 (D4, A7) | 42–47 (D4, A8)
LEVELS: dict[int, dict[str, dict[str, int]]] = {
    2023: {
        "final": _levels(
            [4, 3, 3, 3, 3, 3, 3, 3, 3, 2],
            [3, 2, 2, 1, 2, 2, 2, 2, 2, 1],
            [2, 2, 2, 2, 2, 1, 1, 2, 2, 1, 1],
            [4, 4, 4, 3, 3, 3, 3, 4, 3, 3],
            [5, 5, 5, 5, 4, 4],
        ),
        "validated": _levels(
            [4, 4, 3, 4, 3, 3, 3, 4, 3, 2],
            [3, 3, 2, 2, 2, 3, 2, 2, 3, 1],
            [2, 3, 2, 2, 2, 2, 1, 2, 2, 2, 1],
            [4, 4, 4, 3, 4, 3, 3, 4, 4, 3],
            [5, 5, 5, 5, 4, 4],
        ),
        "self": _levels(
            [4, 4, 4, 4, 4, 3, 3, 4, 3, 3],
            [3, 3, 3, 2, 3, 3, 3, 3, 3, 2],
            [3, 3, 2, 2, 3, 2, 2, 2, 2, 2, 2],
            [5, 4, 4, 4, 4, 3, 3, 4, 4, 4],
            [5, 5, 5, 5, 5, 4],
        ),
    },
    2024: {
        "final": _levels(
            [4, 4, 4, 4, 4, 4, 3, 4, 3, 3],
            [4, 4, 3, 3, 4, 4, 4, 3, 4, 2],
            [3, 3, 3, 3, 3, 2, 2, 3, 3, 3, 3],
            [5, 5, 4, 4, 4, 4, 4, 4, 4, 3],
            [5, 5, 5, 5, 4, 4],
        ),
        "validated": _levels(
            [4, 4, 4, 4, 4, 4, 4, 4, 4, 3],
            [4, 4, 4, 3, 4, 4, 4, 4, 4, 3],
            [3, 4, 3, 3, 3, 3, 3, 3, 4, 3, 3],
            [5, 5, 5, 4, 4, 4, 4, 5, 4, 4],
            [5, 5, 5, 5, 5, 4],
        ),
        "self": _levels(
            [4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
            [5, 4, 4, 4, 4, 4, 4, 4, 5, 3],
            [4, 4, 4, 3, 4, 3, 3, 4, 4, 3, 3],
            [5, 5, 5, 5, 5, 5, 4, 5, 5, 4],
            [5, 5, 5, 5, 5, 5],
        ),
    },
}

# The published figures the sets above must reproduce (display strings).
PUBLISHED = {
    2023: {"final": "2.91", "domains": {"D1": "3.00", "D2": "1.90", "D3": "1.64", "D4": "3.90"}},
    2024: {
        "final": "3.79",
        "final_exact": "3.7885",
        "self": "4.35",
        "domains": {"D1": "3.70", "D2": "3.50", "D3": "2.82", "D4": "4.32"},
    },
}
TARGETS = {2024: Decimal("3.00")}

# 2025, open for answers and about half done: indicator code -> (state, level).
# Returned answers carry (reason, comment) in RETURNS.
PROGRESS_2025: dict[str, tuple[str, int]] = {
    # validated by the internal assessors already
    "6": ("validated", 4),
    "2": ("validated", 4),
    "32": ("validated", 5),
    "33": ("validated", 5),
    # submitted, waiting for review
    "3": ("submitted", 4),
    "4": ("submitted", 4),
    "5": ("submitted", 4),
    "11": ("submitted", 4),
    "12": ("submitted", 4),
    "34": ("submitted", 5),
    "36": ("submitted", 4),
    "39": ("submitted", 4),
    # returned for revision
    "15": ("returned", 5),
    "35": ("returned", 5),
    "41": ("returned", 4),
    # drafts still being written (indicator 1: the guideline's checklist in use)
    "1": ("draft", 4),
    "7": ("draft", 4),
    "8": ("draft", 4),
    "13": ("draft", 4),
    "21": ("draft", 3),
    "22": ("draft", 4),
    "37": ("draft", 4),
    "40": ("draft", 4),
    "44": ("draft", 5),
}
RETURNS_2025: dict[str, tuple[str, str]] = {
    "15": (
        "evidence_wrong",
        "Tangkapan layar yang diunggah adalah aplikasi tahun 2023; mohon unggah kondisi terkini "
        "beserta akun uji.",
    ),
    "35": (
        "evidence_missing",
        "Belum ada bukti integrasi SPSE dengan aplikasi perencanaan dan keuangan untuk tingkat 5.",
    ),
    "41": (
        "level_unsupported",
        "Reviu aplikasi e-kinerja belum dilakukan; data dukung hanya mendukung tingkat 3.",
    ),
}

# Evidence a real answer would cite, by aspect (FAKTA part of an explanation).
FACTS_BY_ASPECT = {
    "A1": "Peraturan Gubernur Kalimantan Timur Nomor 4 Tahun 2023 tentang Tata Kelola SPBE",
    "A2": "dokumen Arsitektur SPBE dan Peta Rencana SPBE Provinsi Kalimantan Timur",
    "A3": "laporan layanan pusat data, jaringan intra dan sistem penghubung layanan Diskominfo",
    "A4": "Keputusan Gubernur tentang Tim Koordinasi SPBE dan notulen rapat koordinasinya",
    "A5": "dokumen penerapan manajemen SPBE dan laporan pelaksanaannya",
    "A6": "laporan hasil audit TIK dua tahun terakhir",
    "A7": "tangkapan layar aplikasi, tautan layanan dengan akun uji, dan bukti integrasi",
    "A8": "tangkapan layar layanan publik, tautan layanan dan laporan pemanfaatannya",
}
