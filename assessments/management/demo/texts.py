"""Texts and files the demo writes: explanations built from the framework's
own criteria, a small evidence PDF, and the officer who answers for an OPD."""

from django.utils.translation import gettext as _

from assessments.management.demo import data as demo
from assessments.models import Membership, Role, User
from indicators.models import LevelCriterion, LevelName

# The province's real portal; demo links must not invent agency sites.
EVIDENCE_URL = "https://kaltimprov.go.id/"


class Texts:
    """FAKTA/ANALISIS explanations built from the framework's own criteria."""

    def __init__(self, framework):
        self.criteria = {
            (c.indicator_id, c.level): c.text
            for c in LevelCriterion.objects.filter(indicator__framework=framework)
        }
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

    def justification(self, indicator, proposed, validated) -> str:
        return _(
            "JUSTIFIKASI: data dukung mendukung tingkat %(validated)s (%(name)s); kriteria "
            "tingkat %(proposed)s belum terpenuhi."
        ) % {
            "validated": validated,
            "name": self.level_name(indicator, validated),
            "proposed": proposed,
        }


def officers_by_opd(users) -> dict[int, User]:
    by_opd = {}
    for membership in Membership.objects.filter(
        user__in=users.values(), role=Role.OFFICER
    ).order_by("id"):
        by_opd.setdefault(membership.opd_id, membership.user)
    return by_opd


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
