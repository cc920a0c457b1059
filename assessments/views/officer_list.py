"""The OPD officer's list of indicators ("Indikator saya"), grouped by period
with each period's progress and the "submit all that are ready" button.

It is the page officers open most in a deadline week, so its rows are plain
dictionaries from `values()` with every string the row shows prepared once
here: a model instance per `select_related` level and a template include,
filter and translation per cell cost about four times as much CPU per row
(docs/PERFORMANCE.md, round two)."""

from __future__ import annotations

import uuid
from functools import cache

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from assessments import access, lifecycle
from assessments.models import Answer, AnswerState, EvidenceFile, EvidenceLink
from assessments.models.organisations import Instansi
from assessments.models.periods import Assignment, EvaluationPeriod, PeriodState
from assessments.templatetags.officer_tags import state_badge_class
from assessments.views import markup
from indicators.models import LevelName

CURRENT_PERIOD_STATES = (PeriodState.OPEN, PeriodState.IN_REVIEW)
DONE_STATES = (AnswerState.SUBMITTED, AnswerState.VALIDATED)
# Reversed once per request: the answer's address is this one with its own id.
_PLACEHOLDER = uuid.UUID(int=0)

ROW_FIELDS = (
    "public_id",
    "state",
    "proposed_level",
    "opd_id",
    "period_id",
    "indicator__code",
    "indicator__name",
    "indicator__capability",
    "indicator__aspect__code",
    "indicator__aspect__name",
    "opd__short_name",
    "period__framework_id",
    "period__year",
    "period__state",
    "period__fill_opens_at",
    "period__fill_closes_at",
    "period__instansi_id",
    "period__instansi__name",
    "evidence_count",
    "link_count",
)


def _count_of(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(answer=OuterRef("pk"), withdrawn_at__isnull=True, **filters)
            .values("answer")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _officer_answers(user):
    """Answers of the user's OPDs plus those their OPDs contribute to, in
    periods that are open or in review."""
    opds = access.scope_for(user).officer_opds
    # The few contributed (period, indicator) pairs are fetched first. As a
    # correlated EXISTS ORed with the OPD filter, PostgreSQL misjudged the
    # rows at national scale, looped over every answer and JIT-compiled the
    # plan: 0.6 s instead of a few ms (bench/inprocess.py, docs/PERFORMANCE.md).
    contributed = Q()
    for period_id, indicator_id in Assignment.objects.filter(
        contributors__in=opds, period__state__in=CURRENT_PERIOD_STATES
    ).values_list("period_id", "indicator_id"):
        contributed |= Q(period_id=period_id, indicator_id=indicator_id)
    # Every such answer is in an instansi the officer belongs to (contributors
    # are OPDs of the period's instansi): saying so lets PostgreSQL reach the
    # current periods through the instansi instead of hashing every period
    # in the country (docs/PERFORMANCE.md).
    return Answer.objects.filter(
        Q(opd_id__in=opds) | contributed,
        period__state__in=CURRENT_PERIOD_STATES,
        period__instansi_id__in=list(access.scope_for(user).roles),
    )


def _level_names(framework_ids) -> dict[tuple[int, str, int], str]:
    return {
        (fw, cap, level): name
        for fw, cap, level, name in LevelName.objects.filter(
            framework_id__in=set(framework_ids)
        ).values_list("framework_id", "capability", "level", "name")
    }


def _progress(base, opds) -> dict[int, dict]:
    return {
        row["period_id"]: row
        for row in base.filter(opd_id__in=opds)
        .values("period_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(state__in=DONE_STATES)),
            # What "Ajukan semua" would take: the confirmation says how many.
            ready=Count(
                "pk",
                filter=Q(state__in=lifecycle.EDITABLE, proposed_level__isnull=False)
                & ~Q(explanation=""),
            ),
            editable=Count("pk", filter=Q(state__in=lifecycle.EDITABLE)),
        )
    }


def _period_of(row) -> EvaluationPeriod:
    """The period as the heading needs it (its deadline rule included),
    built from the row instead of fetched once more."""
    return EvaluationPeriod(
        pk=row["period_id"],
        year=row["period__year"],
        state=row["period__state"],
        fill_opens_at=row["period__fill_opens_at"],
        fill_closes_at=row["period__fill_closes_at"],
        instansi=Instansi(pk=row["period__instansi_id"], name=row["period__instansi__name"]),
    )


def _evidence_text(files: int, links: int) -> str:
    text = ngettext("%(n)s berkas", "%(n)s berkas", files) % {"n": localize(files)}
    if links:
        text += " · " + ngettext("%(n)s tautan", "%(n)s tautan", links) % {"n": localize(links)}
    return text


def _row(answer: dict, *, opds, names, states, url, contributor, evidence_text) -> SafeString:
    """The answer's row, as the template wrote it cell by cell (byte for
    byte; tests/test_officer_workspace.py compares): one call instead of a
    dozen template variables and conditions per row."""
    level = answer["proposed_level"]
    contribution = answer["opd_id"] not in opds
    if level:
        name = names.get((answer["period__framework_id"], answer["indicator__capability"], level))
        level_cell = markup.row("{level}{name}", level=localize(level), name=_level_name_html(name))
    else:
        level_cell = "–"
    return markup.row(
        _ROW,
        code=answer["indicator__code"],
        url=url.replace(str(_PLACEHOLDER), str(answer["public_id"])),
        name=answer["indicator__name"],
        small_badge=markup.row(_SMALL_BADGE, label=contributor) if contribution else "",
        aspect_name=answer["indicator__aspect__name"],
        aspect_code=answer["indicator__aspect__code"],
        opd=answer["opd__short_name"],
        badge=markup.row(_BADGE, label=contributor) if contribution else "",
        state_class=state_badge_class(answer["state"]),
        state_label=states[answer["state"]],
        level=level_cell,
        evidence=evidence_text(answer["evidence_count"], answer["link_count"]),
    )


def _level_name_html(name: str | None) -> str:
    return markup.row(_LEVEL_NAME, name=name) if name else ""


_ROW = """<tr>
        <td>{code}</td>
        <td><a href="{url}">{name}</a>{small_badge}</td>
        <td class="d-none d-md-table-cell"><span title="{aspect_name}">{aspect_code}</span></td>
        <td class="d-none d-md-table-cell">{opd}{badge}</td>
        <td><span class="badge {state_class}">{state_label}</span></td>
        <td class="num">{level}</td>
        <td class="num text-nowrap d-none d-md-table-cell">{evidence}</td>
      </tr>"""
_SMALL_BADGE = ' <span class="badge text-bg-light d-md-none">{label}</span>'
_BADGE = ' <span class="badge text-bg-light">{label}</span>'
_LEVEL_NAME = ' <span class="small text-muted d-none d-sm-inline">{name}</span>'


@login_required
@require_GET
def my_indicators(request):
    user = request.user
    opds = access.scope_for(user).officer_opds
    base = _officer_answers(user)
    state = request.GET.get("state", "")
    if state not in AnswerState.values:
        state = ""
    answers = list(
        (base.filter(state=state) if state else base)
        .annotate(evidence_count=_count_of(EvidenceFile), link_count=_count_of(EvidenceLink))
        .order_by("-period__year", "period__instansi__name", "indicator__position")
        .values(*ROW_FIELDS)
    )
    progress = _progress(base, opds)
    names = _level_names(a["period__framework_id"] for a in answers)
    states = {value: str(label) for value, label in AnswerState.choices}
    url = reverse("assessments:answer_detail", args=[_PLACEHOLDER])
    contributor = _("kontributor")
    # Written once per page for each count: most rows share a few small ones.
    evidence_text = cache(_evidence_text)
    now = timezone.now()
    periods = {}
    for answer in answers:
        entry = periods.get(answer["period_id"])
        if entry is None:
            entry = periods[answer["period_id"]] = {
                "period": _period_of(answer),
                "answers": [],
                "progress": progress.get(answer["period_id"]),
            }
        entry["answers"].append(
            _row(
                answer,
                opds=opds,
                names=names,
                states=states,
                url=url,
                contributor=contributor,
                evidence_text=evidence_text,
            )
        )
    for entry in periods.values():
        # A contributing OPD owns none of the period's answers: it sees no
        # progress of its own and no button with nothing to submit.
        row = entry["progress"] or {"total": 0, "done": 0, "ready": 0, "editable": 0}
        entry["total"], entry["done"] = row["total"], row["done"]
        entry["ready"], entry["not_ready"] = row["ready"], row["editable"] - row["ready"]
        entry["confirm_id"] = f"confirm-submit-all-{entry['period'].pk}"
        entry["percent"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
        entry["open"] = entry["period"].accepts_answers(now)
        entry["closed_for_answers"] = now >= entry["period"].fill_closes_at
    return render(
        request,
        "assessments/my_indicators.html",
        {
            "periods": list(periods.values()),
            "state": state,
            "states": AnswerState.choices,
            "is_officer": bool(opds),
        },
    )
