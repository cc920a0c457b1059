"""The OPD officer's workspace: the answer page, submitting and withdrawing
(the list is in officer_list, evidence in officer_evidence, replies in
conversation).

Every object comes through assessments.access (404 when not visible) and
every change through assessments.answering (which refuses with a domain
error); a view catches one only to show it beside what the user typed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import access, answering, conversation, items, lifecycle
from assessments.evidence import tags
from assessments.forms.answer import AnswerForm, EvidenceLinkForm, EvidenceUploadForm
from assessments.models import (
    Answer,
    AnswerState,
)
from assessments.templatetags.id_format import waktu
from assessments.views.conversation import decision_of
from assessments.views.criteria import level_choices
from assessments.views.history import (
    answer_history,
    complete_history_query,
    wants_complete_history,
)
from indicators.framework_texts import texts_of
from spbe_portal.errors import Conflict, DomainError, NotAllowed, status_of


def _answer_or_404(user, public_id) -> Answer:
    return access.get_visible_answer_or_404(
        user,
        "indicator__aspect__domain",
        "period__framework",
        "period__instansi",
        "opd",
        public_id=public_id,
    )


def _selected_level(form):
    selected = form["level"].value()
    try:
        return int(selected) if selected not in (None, "") else None
    except (TypeError, ValueError):
        return None


# The officer's history marks replies; the reviewer's thread does not.
HISTORY_BORDER = {
    "commented": "border-info",
    "returned": "border-warning",
    "accepted": "border-success",
    "adjusted": "border-success",
}


def _evidence(answer):
    """The answer's files and links, current and withdrawn, each with the
    addresses and texts its row shows: per row, the template's url tags and
    filters cost more than the rest of the row."""
    files = list(answer.evidence_files.select_related("uploaded_by"))
    links = list(answer.evidence_links.select_related("added_by"))
    for f in files:
        key = {"public_id": f.public_id}
        f.download_url = reverse("assessments:evidence_download", kwargs=key)
        f.withdraw_url = reverse("assessments:evidence_withdraw", kwargs=key)
        f.size_text = filesizeformat(f.size)
        f.uploaded_text = waktu(f.uploaded_at)
    for link in links:
        link.withdraw_url = reverse(
            "assessments:evidence_link_withdraw", kwargs={"public_id": link.public_id}
        )
    return files, {
        "files": [f for f in files if f.withdrawn_at is None],
        "withdrawn_files": [f for f in files if f.withdrawn_at is not None],
        "links": [link for link in links if link.withdrawn_at is None],
        "withdrawn_links": [link for link in links if link.withdrawn_at is not None],
    }


def evidence_context(user, answer) -> dict:
    """What the evidence section shows, on the page and as an htmx fragment."""
    _files, evidence = _evidence(answer)
    editable = answer.state in lifecycle.EDITABLE and answer.period.accepts_answers()
    return {
        "answer": answer,
        **evidence,
        "can_add_evidence": editable and access.can_add_evidence(user, answer),
        "upload_form": EvidenceUploadForm(),
        "link_form": EvidenceLinkForm(),
        "max_upload": settings.EVIDENCE_MAX_BYTES,
        "item_mode": items.uses_items(answer.period.framework) and not answer.indicator.is_external,
    }


def _answer_page(request, answer, *, form=None, conflict=None, error=None, status=200):
    """Render the answer page; `form` carries what the user typed when a
    save was refused, so nothing is lost."""
    user = request.user
    period, indicator = answer.period, answer.indicator
    framework = period.framework
    # Read once per process and framework revision: no query here.
    names = texts_of(framework).names_for(indicator.capability)
    editable_state = answer.state in lifecycle.EDITABLE
    accepts = period.accepts_answers()
    if form is None:
        form = AnswerForm(
            framework=framework,
            initial={
                "level": answer.proposed_level,
                "explanation": answer.explanation,
                "version": answer.version,
            },
        )
    last_year = access.answer_a_year_earlier(user, answer)
    # Listed here and read again by the guideline panel.
    criteria = tags.level_criteria(answer)
    files, evidence = _evidence(answer)
    history = answer_history(answer, HISTORY_BORDER, complete=wants_complete_history(request))
    # Pemdi: evidence per item and a derived level instead of a chosen one.
    item_mode = items.uses_items(framework) and not indicator.is_external
    levels = [{"level": c.level, "text": c.text, "name": names.get(c.level, "")} for c in criteria]
    selected_level = _selected_level(form)
    can_edit = access.can_edit_answer(user, answer) and editable_state and accepts
    context = {
        "answer": answer,
        "period": period,
        "indicator": indicator,
        "criteria": levels,
        "level_criteria": criteria,
        "level_names": names,
        "proposed_level_name": names.get(answer.proposed_level, ""),
        "selected_level": selected_level,
        # Only who may edit chooses a level, and never in item mode.
        "level_choices": level_choices(levels, selected_level)
        if can_edit and not item_mode
        else "",
        "form": form,
        "upload_form": EvidenceUploadForm(),
        "link_form": EvidenceLinkForm(),
        "can_edit": can_edit,
        "can_add_evidence": access.can_add_evidence(user, answer) and editable_state and accepts,
        "accepts_answers": accepts,
        "is_locked": not editable_state,
        "last_year": last_year,
        "last_year_level_name": names.get(last_year.validated_level, "") if last_year else "",
        **evidence,
        "events": history.events,
        "earlier_events": history.earlier,
        "complete_history_query": complete_history_query(request) if history.earlier else "",
        "decision": decision_of(answer, history, names),
        "can_reply": conversation.can_reply(user, answer)
        and period.state in conversation.CONVERSATION_PERIOD_STATES,
        "can_withdraw": access.can_edit_answer(user, answer)
        and answer.state == AnswerState.SUBMITTED
        and accepts,
        "conflict": conflict,
        "error": error,
        "max_upload": settings.EVIDENCE_MAX_BYTES,
        "item_mode": item_mode,
        "items_view": items.items_view(answer, files=files) if item_mode else None,
        "external_value": (
            period.external_values.filter(indicator=indicator).first()
            if indicator.is_external
            else None
        ),
        "below_scale_label": framework.below_scale_label,
    }
    return render(request, "assessments/answer_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def answer_detail(request, public_id):
    if request.method == "GET":
        return _answer_page(request, _answer_or_404(request.user, public_id))
    # A save needs the answer's framework and nothing else the page shows:
    # lifecycle reads the answer again with what its checks need. Joining
    # the seven tables of the page here cost more in planning than in work.
    answer = access.get_visible_or_404(
        access.visible_answers(request.user).select_related("period__framework"),
        public_id=public_id,
    )
    form = AnswerForm(request.POST, framework=answer.period.framework)
    if not form.is_valid():
        return _answer_page(
            request, answer, form=form, error=_("Periksa isian formulir."), status=400
        )
    data = form.cleaned_data
    level = data["level"]
    if items.uses_items(answer.period.framework):
        # The officer does not choose: the attached evidence decides.
        level = items.claimed_level(answer)
    saved = None
    try:
        saved = answering.answer_save(
            answer=answer,
            user=request.user,
            level=level,
            explanation=data["explanation"],
            expected_version=data["version"],
        )
        if request.POST.get("action") == "submit":
            saved = answering.answer_submit(
                answer=saved, user=request.user, expected_version=saved.version
            )
            messages.success(request, _("Jawaban diajukan untuk divalidasi."))
        else:
            messages.success(request, _("Draf jawaban disimpan."))
    except Conflict as exc:
        # The form keeps the user's text; its version becomes the current one
        # so that saving again is a deliberate overwrite of what they saw.
        retry = AnswerForm(
            data={**request.POST.dict(), "version": exc.current.version},
            framework=answer.period.framework,
        )
        retry.is_valid()
        return _answer_page(
            request, exc.current, form=retry, conflict=exc.current, error=exc.message, status=409
        )
    except DomainError as exc:
        current = _answer_or_404(request.user, public_id)
        error = exc.message
        if saved is not None:
            # The draft was saved and only the submission was refused: the
            # form must carry the new version, or the next save would conflict.
            form = AnswerForm(
                data={**request.POST.dict(), "version": current.version},
                framework=answer.period.framework,
            )
            form.is_valid()
            error = _("Draf disimpan, tetapi belum dapat diajukan: %(reason)s") % {
                "reason": exc.message
            }
        return _answer_page(request, current, form=form, error=error, status=status_of(exc))
    return redirect("assessments:answer_detail", public_id=answer.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def answer_submit(request, public_id):
    answer = _answer_or_404(request.user, public_id)
    if request.method == "GET":
        return redirect("assessments:answer_detail", public_id=answer.public_id)
    try:
        answering.answer_submit(
            answer=answer, user=request.user, expected_version=request.POST.get("version")
        )
    except Conflict as exc:
        return _answer_page(
            request, exc.current, conflict=exc.current, error=exc.message, status=409
        )
    except DomainError as exc:
        return _answer_page(request, answer, error=exc.message, status=status_of(exc))
    messages.success(request, _("Jawaban diajukan untuk divalidasi."))
    return redirect("assessments:answer_detail", public_id=answer.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def answer_withdraw(request, public_id):
    """Take back a submission no reviewer has decided: a draft again."""
    answer = _answer_or_404(request.user, public_id)
    if request.method == "GET":
        return redirect("assessments:answer_detail", public_id=answer.public_id)
    try:
        answering.answer_withdraw(
            answer=answer, user=request.user, expected_version=request.POST.get("version")
        )
    except Conflict as exc:
        return _answer_page(
            request, exc.current, conflict=exc.current, error=exc.message, status=409
        )
    except NotAllowed:
        raise  # a 403 page: nothing here this user could fix
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Pengajuan ditarik; jawaban kembali menjadi draf."))
    return redirect("assessments:answer_detail", public_id=answer.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def answers_submit_all(request):
    if request.method == "GET":
        return redirect("assessments:my_indicators")
    period = access.get_visible_or_404(
        access.visible_periods(request.user), pk=request.POST.get("period")
    )
    try:
        result = answering.answers_submit_all(user=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessments:my_indicators")
    if result.submitted:
        messages.success(request, _("%(n)s jawaban diajukan.") % {"n": len(result.submitted)})
    if result.not_ready:
        codes = ", ".join(a.indicator.code for a in result.not_ready)
        messages.warning(
            request,
            _("Belum siap diajukan (tingkat atau penjelasan kosong): indikator %(codes)s.")
            % {"codes": codes},
        )
    for answer, message in result.failed:
        messages.error(request, f"{answer.indicator.code}: {message}")
    if not (result.submitted or result.not_ready or result.failed):
        messages.info(request, _("Tidak ada jawaban yang perlu diajukan."))
    return redirect("assessments:my_indicators")
