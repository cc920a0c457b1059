"""The internal assessor's review page: the answer beside its evidence, last
year's levels, the three decisions (each taking the reviewer straight to the
next waiting answer of the queue they came from) and reopening a validated
answer. The queue and the bulk decisions live in review_queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import access, items, lifecycle
from assessments import review as reviewing
from assessments.evidence import tags
from assessments.forms.review import AcceptForm, AdjustForm, ReopenForm, ReturnForm
from assessments.models import AnswerState
from assessments.views.history import (
    answer_history,
    complete_history_query,
    wants_complete_history,
)
from assessments.views.review_queue import next_waiting, safe_next
from indicators.framework_texts import texts_of
from spbe_portal.errors import Closed, Conflict, Invalid, NotAllowed, WrongState, status_of


def _answer_for_review(request, public_id, *, readers=False):
    """404 for answers the user may not see; 403 for those they see but may
    not review (officers of the OPD, leadership). With `readers`,
    administrators may open the page too: they reopen validated answers."""
    answer = access.get_visible_answer_or_404(
        request.user,
        "period__framework",
        "period__instansi",
        "indicator__aspect",
        "opd",
        public_id=public_id,
    )
    if access.can_review(request.user, answer.period):
        return answer
    if readers and access.can_administer(request.user, answer.period.instansi_id):
        return answer
    raise PermissionDenied(_("Hanya asesor internal instansi ini yang dapat menilai jawaban."))


def _level_names(answer) -> dict[int, str]:
    # Read once per process and framework revision: no query here.
    return texts_of(answer.period.framework).names_for(answer.indicator.capability)


def _evidence(answer) -> list:
    evidence = list(answer.evidence_files.filter(withdrawn_at__isnull=True))
    for item in evidence:
        item.preview = (
            "pdf"
            if item.content_type == "application/pdf"
            else "image"
            if item.content_type.startswith("image/")
            else ""
        )
        # Prepared here: per file, the template's url tag and filters cost more.
        item.download_url = reverse(
            "assessments:evidence_download", kwargs={"public_id": item.public_id}
        )
        item.size_text = filesizeformat(item.size)
        item.uploaded_text = date_format(
            timezone.localtime(item.uploaded_at), "SHORT_DATETIME_FORMAT"
        )
    return evidence


THREAD_BORDER = {
    "returned": "border-warning",
    "accepted": "border-success",
    "adjusted": "border-success",
}


def _forms(answer, initial, level_names, given) -> dict:
    framework = answer.period.framework
    return {
        "accept_form": given.get("accept") or AcceptForm(initial=initial, auto_id="accept_%s"),
        "adjust_form": given.get("adjust")
        or AdjustForm(
            initial=initial,
            auto_id="adjust_%s",
            framework=framework,
            proposed_level=answer.proposed_level,
            level_names=level_names,
        ),
        "return_form": given.get("return") or ReturnForm(initial=initial, auto_id="return_%s"),
        "reopen_form": given.get("reopen") or ReopenForm(initial=initial, auto_id="reopen_%s"),
    }


def _render_detail(request, answer, *, forms=None, error=None, status=200, current=None):
    user = request.user
    framework = answer.period.framework
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    level_names = _level_names(answer)
    # Listed here and read again by the guideline panel.
    level_criteria = tags.level_criteria(answer)
    criteria = [
        {
            "level": c.level,
            "name": level_names.get(c.level, ""),
            "text": c.text,
            "proposed": c.level == answer.proposed_level,
            "validated": c.level == answer.validated_level,
        }
        for c in level_criteria
    ]
    reviewer = access.can_review(user, answer.period)
    item_mode = items.uses_items(framework) and not answer.indicator.is_external
    last_year = access.answer_a_year_earlier(user, answer)
    history = answer_history(answer, THREAD_BORDER, complete=wants_complete_history(request))
    context = {
        "item_mode": item_mode,
        "items_view": items.items_view(answer) if item_mode else None,
        "below_scale_label": framework.below_scale_label,
        "answer": answer,
        "indicator": answer.indicator,
        "period": answer.period,
        "criteria": criteria,
        "level_criteria": level_criteria,
        "level_names": level_names,
        "proposed_name": level_names.get(answer.proposed_level, ""),
        "validated_name": level_names.get(answer.validated_level, ""),
        "last_year": last_year,
        "evidence_files": _evidence(answer),
        "evidence_links": answer.evidence_links.filter(withdrawn_at__isnull=True),
        "events": history.events,
        "earlier_events": history.earlier,
        "complete_history_query": complete_history_query(request) if history.earlier else "",
        "is_reviewer": reviewer,
        "can_decide": reviewer
        and answer.state == AnswerState.SUBMITTED
        and answer.period.accepts_reviews(),
        "can_reopen": lifecycle.refusal_for("reopen", answer, user) is None,
        **_forms(answer, {"version": answer.version, "next": next_url}, level_names, forms or {}),
        "error": error,
        "current": current,
        "next_url": next_url,
        "next_answer": next_waiting(user, answer, next_url) if reviewer else None,
        "back_url": safe_next(request, next_url),
    }
    return render(request, "assessments/review_detail.html", context, status=status)


@login_required
@require_GET
def review_detail(request, public_id):
    answer = _answer_for_review(request, public_id, readers=True)
    return _render_detail(request, answer)


DECISIONS = {
    "accept": AcceptForm,
    "adjust": AdjustForm,
    "return": ReturnForm,
}


def _decide(answer, user, decision: str, data: dict) -> str:
    """Take the decision; return what to tell the reviewer."""
    if decision == "accept":
        reviewing.answer_accept(answer=answer, user=user, comment=data["comment"])
        return _("Jawaban indikator %(code)s diterima pada tingkat %(level)s.")
    if decision == "adjust":
        reviewing.answer_adjust(
            answer=answer, user=user, level=data["level"], justification=data["justification"]
        )
        return _("Tingkat indikator %(code)s disesuaikan menjadi %(level)s.")
    reviewing.answer_return(
        answer=answer, user=user, reason=data["reason"], comment=data["comment"]
    )
    return _("Jawaban indikator %(code)s dikembalikan ke OPD untuk perbaikan.")


def _onwards(request, answer, next_url: str):
    """Straight to the next answer waiting in the queue the reviewer came
    from (one page load per decision); the queue itself once none is left."""
    following = next_waiting(request.user, answer, next_url)
    if following is None:
        messages.info(request, _("Tidak ada lagi jawaban yang menunggu pada antrean ini."))
        return redirect(safe_next(request, next_url))
    target = reverse("review:detail", kwargs={"public_id": following.public_id})
    if next_url:
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def review_decide(request, public_id, decision):
    if request.method == "GET":
        # A decision's address in the address bar (after a refused form, a
        # reload): the review page, for whoever may open it.
        answer = _answer_for_review(request, public_id, readers=True)
        return redirect("review:detail", public_id=answer.public_id)
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
        done = _decide(answer, request.user, decision, data)
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
    answer.refresh_from_db(fields=["validated_level", "state"])
    messages.success(
        request, done % {"code": answer.indicator.code, "level": answer.validated_level}
    )
    return _onwards(request, answer, data.get("next") or "")


@login_required
@require_http_methods(["GET", "POST"])
def review_reopen(request, public_id):
    """A validated answer submitted once more, with the reason in its history."""
    answer = _answer_for_review(request, public_id, readers=True)
    if request.method == "GET":
        return redirect("review:detail", public_id=answer.public_id)
    form = ReopenForm(request.POST, auto_id="reopen_%s")
    if not form.is_valid():
        return _render_detail(
            request,
            answer,
            forms={"reopen": form},
            error=_("Jawaban belum dibuka kembali; periksa isian formulir."),
            status=400,
        )
    try:
        reviewing.answer_reopen(
            answer=answer,
            user=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except (Invalid, WrongState, Conflict, NotAllowed, Closed) as exc:
        status = status_of(exc)
        return _render_detail(
            request,
            _answer_for_review(request, public_id, readers=True),
            forms={"reopen": form} if status == 400 else None,
            error=exc.message,
            status=status,
            current=getattr(exc, "current", None),
        )
    messages.success(
        request,
        _("Jawaban indikator %(code)s dibuka kembali dan menunggu keputusan ulang.")
        % {"code": answer.indicator.code},
    )
    target = reverse("review:detail", kwargs={"public_id": answer.public_id})
    next_url = form.cleaned_data.get("next") or ""
    return redirect(target + ("?" + urlencode({"next": next_url}) if next_url else ""))
