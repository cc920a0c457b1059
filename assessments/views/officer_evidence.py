"""Evidence on the officer's answer page: uploading files, adding links,
withdrawing them, downloading.

The answer form and the evidence forms sit side by side on one page. With
htmx the evidence forms post in the background and only the evidence section
is replaced, so a level chosen and an explanation typed but not yet saved
stay where they are. Without JavaScript every form still works: a success
goes back to the answer page, a refusal shows the answer page with the
message. A GET on any of these addresses (the address bar after a refusal,
or a bookmark) opens the answer page instead of a bare 405."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from assessments import access, items
from assessments.evidence import attach
from assessments.evidence.checks import (
    INLINE_CONTENT_TYPES,
    EvidenceSizeLimitHandler,
    safe_display_name,
    too_big_message,
)
from assessments.forms.answer import EvidenceLinkForm, EvidenceUploadForm
from assessments.models import EvidenceLink
from assessments.views.officer import _answer_or_404, _answer_page, evidence_context
from spbe_portal.errors import DomainError, status_of


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _after_change(request, answer, *, notice="", error="", status=200):
    """The evidence section alone for htmx (with its message inside, as a
    200 so that htmx swaps it in); otherwise the answer page."""
    answer = _answer_or_404(request.user, answer.public_id)
    if _is_htmx(request):
        context = evidence_context(request.user, answer)
        context.update(evidence_notice=notice, evidence_error=error)
        # The guideline's checklist and tag forms follow the evidence: sent
        # along and swapped in out of band (hx-swap-oob), so nothing needs a reload.
        guideline = {
            "answer": answer,
            "period": answer.period,
            "selected_level": answer.proposed_level,
            "item_mode": items.uses_items(answer.period.framework),
            "can_add_evidence": context.get("can_add_evidence", False),
            "oob": True,
        }
        section = render_to_string(
            "assessments/partials/officer_evidence.html", context, request=request
        )
        panel = render_to_string(
            "assessments/partials/guideline_officer.html", guideline, request=request
        )
        return HttpResponse(section + panel)
    if error:
        return _answer_page(request, answer, error=error, status=status)
    messages.success(request, notice)
    return redirect("assessments:answer_detail", public_id=answer.public_id)


def _to_answer(public_id):
    return redirect("assessments:answer_detail", public_id=public_id)


@login_required
@require_http_methods(["GET", "POST"])
@csrf_exempt
def evidence_upload(request, public_id):
    if request.method == "GET":
        return _to_answer(_answer_or_404(request.user, public_id).public_id)
    # The size limit has to be in place before anything reads the body, and
    # the CSRF check reads it; so CSRF is checked just after, not skipped.
    request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
    return _evidence_upload(request, public_id)


@csrf_protect
def _evidence_upload(request, public_id):
    answer = _answer_or_404(request.user, public_id)
    form = EvidenceUploadForm(request.POST, request.FILES)
    too_big = [(name, too_big_message(), 400) for name in request.evidence_too_big]
    if not form.is_valid() and not too_big:
        return _after_change(
            request, answer, error=" ".join(form.errors.get("files", [])), status=400
        )
    errors, added = list(too_big), 0
    for uploaded in form.cleaned_data.get("files", []) if form.is_valid() else []:
        try:
            attach.evidence_add(answer=answer, user=request.user, uploaded_file=uploaded)
            added += 1
        except DomainError as exc:
            errors.append((safe_display_name(uploaded.name), exc.message, status_of(exc)))
    if errors:
        text = " ".join(f"«{name}»: {message}" for name, message, _status in errors)
        if added:
            text = _("%(n)s berkas diterima. ") % {"n": added} + text
        return _after_change(request, answer, error=text, status=max(s for *_x, s in errors))
    notice = _("%(n)s berkas data dukung ditambahkan.") % {"n": added}
    return _after_change(request, answer, notice=notice)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_withdraw(request, public_id):
    evidence = access.get_visible_or_404(
        access.visible_evidence(request.user).select_related("answer"), public_id=public_id
    )
    if request.method == "GET":
        return _to_answer(evidence.answer.public_id)
    try:
        attach.evidence_withdraw(evidence=evidence, user=request.user)
    except DomainError as exc:
        return _after_change(request, evidence.answer, error=exc.message, status=status_of(exc))
    notice = _("Data dukung ditarik; berkasnya tetap tersimpan untuk riwayat.")
    return _after_change(request, evidence.answer, notice=notice)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_link_add(request, public_id):
    answer = _answer_or_404(request.user, public_id)
    if request.method == "GET":
        return _to_answer(answer.public_id)
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        return _after_change(request, answer, error=errors, status=400)
    try:
        attach.evidence_link_add(
            answer=answer,
            user=request.user,
            url=form.cleaned_data["url"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _after_change(request, answer, error=exc.message, status=status_of(exc))
    return _after_change(request, answer, notice=_("Tautan data dukung ditambahkan."))


@login_required
@require_http_methods(["GET", "POST"])
def evidence_link_withdraw(request, public_id):
    link = access.get_visible_or_404(
        EvidenceLink.objects.filter(answer__in=access.visible_answers(request.user)).select_related(
            "answer"
        ),
        public_id=public_id,
    )
    if request.method == "GET":
        return _to_answer(link.answer.public_id)
    try:
        attach.evidence_link_withdraw(link=link, user=request.user)
    except DomainError as exc:
        return _after_change(request, link.answer, error=exc.message, status=status_of(exc))
    return _after_change(request, link.answer, notice=_("Tautan data dukung ditarik."))


@login_required
@require_GET
def evidence_download(request, public_id):
    """Stream an evidence file to someone who may see its answer. Always an
    attachment unless ?inline=1 for a PDF or an image (the reviewer's
    preview); the stored type is sent with nosniff so browsers never guess."""
    evidence = access.get_visible_or_404(access.visible_evidence(request.user), public_id=public_id)
    inline = request.GET.get("inline") == "1" and evidence.content_type in INLINE_CONTENT_TYPES
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=safe_display_name(evidence.original_name),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Nothing in a file may run, not even a PDF script that slipped past the
    # evidence check: the browser's own PDF viewer is not affected by it.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
