"""The internal assessor's workspace: the queue of answers to validate, the
review page, the three decisions and bulk accept."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import access, items
from assessments import review as reviewing
from assessments.forms.review import (
    ALL_STATES,
    AcceptForm,
    AdjustForm,
    ReturnForm,
    ReviewFilterForm,
)
from assessments.models import AnswerState
from indicators.models import LevelName
from spbe_portal.errors import Conflict, Invalid, WrongState, status_of

PAGE_SIZE = 50


def _require_reviewer(user) -> None:
    if not access.is_reviewer(user):
        raise PermissionDenied(_("Halaman ini hanya untuk asesor internal."))


def _default_period(periods):
    """The newest period still under review, else the newest of all."""
    periods = list(periods)
    for period in periods:
        if period.accepts_reviews():
            return period
    return periods[0] if periods else None


@login_required
@require_GET
def review_queue(request):
    _require_reviewer(request.user)
    periods = access.reviewable_periods(request.user).order_by("-year", "instansi__name")
    period = None
    if request.GET.get("period"):
        period = access.get_visible_or_404(periods, pk=request.GET["period"])
    else:
        period = _default_period(periods)

    data = request.GET.copy()
    data.setdefault("state", AnswerState.SUBMITTED)
    if period is not None:
        data["period"] = str(period.pk)
    form = ReviewFilterForm(data, periods=periods, period=period)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})

    page = None
    state_counts = {}
    if period is not None:
        answers = (
            access.reviewable_answers(request.user)
            .filter(period=period)
            .select_related("indicator__aspect__domain", "opd")
            .annotate(
                evidence_count=Count(
                    "evidence_files",
                    filter=Q(evidence_files__withdrawn_at__isnull=True),
                    distinct=True,
                )
            )
            .order_by("indicator__position", "pk")
        )
        if filters.get("opd"):
            answers = answers.filter(opd=filters["opd"])
        if filters.get("domain"):
            answers = answers.filter(indicator__aspect__domain=filters["domain"])
        if filters.get("aspect"):
            answers = answers.filter(indicator__aspect=filters["aspect"])
        state = filters.get("state") or AnswerState.SUBMITTED
        if state != ALL_STATES:
            answers = answers.filter(state=state)
        page = Paginator(answers, PAGE_SIZE).get_page(request.GET.get("page"))
        state_counts = dict(
            access.reviewable_answers(request.user)
            .filter(period=period)
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )

    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/review_queue.html",
        {
            "form": form,
            "period": period,
            "page": page,
            "query": query.urlencode(),
            "here": request.get_full_path(),
            "can_decide": period is not None and period.accepts_reviews(),
            # Item mode: each answer's level comes from its items, never in bulk.
            "item_mode": period is not None and items.uses_items(period.framework),
            "state_summary": [
                (value, label, state_counts.get(value, 0)) for value, label in AnswerState.choices
            ],
        },
    )


def _answer_for_review(request, public_id):
    """404 for answers the user may not see; 403 for those they see but may
    not review (officers of the OPD, leadership)."""
    answer = access.get_visible_or_404(
        access.visible_answers(request.user).select_related(
            "period__framework", "period__instansi", "indicator__aspect__domain", "opd"
        ),
        public_id=public_id,
    )
    if not access.can_review(request.user, answer.period):
        raise PermissionDenied(_("Hanya asesor internal instansi ini yang dapat menilai jawaban."))
    return answer


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("review:queue")


def _level_names(answer) -> dict[int, str]:
    return dict(
        LevelName.objects.filter(
            framework=answer.period.framework, capability=answer.indicator.capability
        ).values_list("level", "name")
    )


def _render_detail(request, answer, *, forms=None, error=None, status=200, current=None):
    framework = answer.period.framework
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    initial = {"version": answer.version, "next": next_url}
    forms = forms or {}
    level_names = _level_names(answer)
    criteria = [
        {
            "level": c.level,
            "name": level_names.get(c.level, ""),
            "text": c.text,
            "proposed": c.level == answer.proposed_level,
            "validated": c.level == answer.validated_level,
        }
        for c in answer.indicator.criteria.all()
    ]
    evidence = list(answer.evidence_files.filter(withdrawn_at__isnull=True))
    for item in evidence:
        item.preview = (
            "pdf"
            if item.content_type == "application/pdf"
            else "image"
            if item.content_type.startswith("image/")
            else ""
        )
    next_answer = (
        access.reviewable_answers(request.user)
        .filter(
            period=answer.period,
            state=AnswerState.SUBMITTED,
            indicator__position__gt=answer.indicator.position,
        )
        .select_related("indicator")
        .order_by("indicator__position")
        .first()
    )
    item_mode = items.uses_items(framework) and not answer.indicator.is_external
    context = {
        "item_mode": item_mode,
        "items_view": items.items_view(answer) if item_mode else None,
        "below_scale_label": framework.below_scale_label,
        "answer": answer,
        "indicator": answer.indicator,
        "period": answer.period,
        "criteria": criteria,
        "proposed_name": level_names.get(answer.proposed_level, ""),
        "evidence_files": evidence,
        "evidence_links": answer.evidence_links.filter(withdrawn_at__isnull=True),
        "events": answer.events.select_related("actor"),
        "can_decide": answer.state == AnswerState.SUBMITTED and answer.period.accepts_reviews(),
        "accept_form": forms.get("accept") or AcceptForm(initial=initial, auto_id="accept_%s"),
        "adjust_form": forms.get("adjust")
        or AdjustForm(
            initial=initial,
            auto_id="adjust_%s",
            framework=framework,
            proposed_level=answer.proposed_level,
            level_names=level_names,
        ),
        "return_form": forms.get("return") or ReturnForm(initial=initial, auto_id="return_%s"),
        "error": error,
        "current": current,
        "next_url": next_url,
        "next_answer": next_answer,
        "back_url": _safe_next(request, next_url),
    }
    return render(request, "assessments/review_detail.html", context, status=status)


@login_required
@require_GET
def review_detail(request, public_id):
    answer = _answer_for_review(request, public_id)
    return _render_detail(request, answer)


DECISIONS = {
    "accept": AcceptForm,
    "adjust": AdjustForm,
    "return": ReturnForm,
}


@login_required
@require_POST
def review_decide(request, public_id, decision):
    answer = _answer_for_review(request, public_id)
    form_class = DECISIONS[decision]
    kwargs = {}
    if form_class is AdjustForm:
        kwargs = {
            "framework": answer.period.framework,
            "proposed_level": answer.proposed_level,
            "level_names": _level_names(answer),
        }
    form = form_class(request.POST, auto_id=f"{decision}_%s", **kwargs)
    if not form.is_valid():
        return _render_detail(
            request,
            answer,
            forms={decision: form},
            error=_("Keputusan belum disimpan; periksa isian formulir."),
            status=400,
        )
    data = form.cleaned_data
    # Decide against the version the reviewer saw, not the one just loaded.
    answer.version = data["version"]
    try:
        if decision == "accept":
            reviewing.answer_accept(answer=answer, user=request.user, comment=data["comment"])
            done = _("Jawaban indikator %(code)s diterima pada tingkat %(level)s.")
        elif decision == "adjust":
            reviewing.answer_adjust(
                answer=answer,
                user=request.user,
                level=data["level"],
                justification=data["justification"],
            )
            done = _("Tingkat indikator %(code)s disesuaikan menjadi %(level)s.")
        else:
            reviewing.answer_return(
                answer=answer, user=request.user, reason=data["reason"], comment=data["comment"]
            )
            done = _("Jawaban indikator %(code)s dikembalikan ke OPD untuk perbaikan.")
    except (Invalid, WrongState, Conflict) as exc:
        fresh = _answer_for_review(request, public_id)
        status = status_of(exc)
        return _render_detail(
            request,
            fresh,
            forms={decision: form} if status == 400 else None,
            error=exc.message,
            status=status,
            current=getattr(exc, "current", None),
        )
    messages.success(
        request, done % {"code": answer.indicator.code, "level": answer.validated_level}
    )
    return redirect(_safe_next(request, data.get("next")))


def _parse_selection(values):
    """'public_id:version' pairs from the queue's checkboxes."""
    selected = {}
    for raw in values:
        key, _sep, version = raw.partition(":")
        try:
            selected[uuid.UUID(key)] = int(version)
        except ValueError:
            return None
    return selected


@login_required
@require_POST
def review_accept_bulk(request):
    _require_reviewer(request.user)
    back = _safe_next(request, request.POST.get("next"))
    selected = _parse_selection(request.POST.getlist("selected"))
    if selected is None:
        messages.error(request, _("Pilihan jawaban tidak valid."))
        return redirect(back)
    if not selected:
        messages.error(request, _("Pilih setidaknya satu jawaban untuk diterima."))
        return redirect(back)
    answers = list(
        access.reviewable_answers(request.user)
        .filter(public_id__in=selected)
        .select_related("period__framework", "period__instansi", "indicator", "opd")
        .order_by("indicator__position")
    )
    if len(answers) != len(selected):
        raise Http404
    for answer in answers:
        answer.version = selected[answer.public_id]
    try:
        reviewing.answers_accept_bulk(answers=answers, user=request.user)
    except (Invalid, WrongState, Conflict) as exc:
        messages.error(
            request, _("Tidak ada jawaban yang diterima. %(why)s") % {"why": exc.message}
        )
        return redirect(back)
    messages.success(
        request, _("%(n)s jawaban diterima pada tingkat usulannya.") % {"n": len(answers)}
    )
    return redirect(back)
