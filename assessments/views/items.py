"""Evidence-item mode pages (Pemdi 2026): the officer attaches evidence to
one item, the reviewer accepts or returns one item. The answer and review
pages themselves show the items (views_officer, views_review)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from assessments import access, items
from assessments.evidence import attach
from assessments.evidence.checks import EvidenceSizeLimitHandler, safe_display_name, too_big_message
from assessments.forms.answer import EvidenceUploadForm
from assessments.models import Answer, ItemState
from spbe_portal.errors import Conflict, Invalid, WrongState

DECISIONS = {"accept": ItemState.ACCEPTED, "return": ItemState.RETURNED}


def _answer_or_404(user, public_id) -> Answer:
    return access.get_visible_or_404(
        access.visible_answers(user).select_related("period__framework", "indicator", "opd"),
        public_id=public_id,
    )


def _answer_url(answer, anchor="") -> str:
    url = reverse("assessments:answer_detail", kwargs={"public_id": answer.public_id})
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
@csrf_exempt
def item_evidence_upload(request, public_id, item_id):
    # As for answer-level uploads: the size limit is in place before the
    # body is read, and CSRF is checked right after.
    request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
    return _item_evidence_upload(request, public_id, item_id)


@login_required
@require_POST
@csrf_exempt
def item_evidence_upload_chosen(request, public_id):
    """The answer page's one upload form: the item comes with the files."""
    request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
    return _chosen_item_upload(request, public_id)


@csrf_protect
def _chosen_item_upload(request, public_id):
    item_id = request.POST.get("item", "")
    return _attach_to_item(request, public_id, int(item_id) if item_id.isdigit() else None)


@csrf_protect
def _item_evidence_upload(request, public_id, item_id):
    return _attach_to_item(request, public_id, item_id)


def _attach_to_item(request, public_id, item_id):
    answer = _answer_or_404(request.user, public_id)
    anchor = f"item-{item_id}" if item_id is not None else "items"
    if not items.uses_items(answer.period.framework):
        messages.error(request, _("Kerangka periode ini tidak memakai butir bukti."))
        return redirect(_answer_url(answer))
    form = EvidenceUploadForm(request.POST, request.FILES)
    errors = [f"«{name}»: {too_big_message()}" for name in request.evidence_too_big]
    added = 0
    if form.is_valid():
        for uploaded in form.cleaned_data["files"]:
            try:
                attach.item_evidence_add(
                    answer=answer, user=request.user, item_id=item_id, uploaded_file=uploaded
                )
                added += 1
            except (Invalid, WrongState) as exc:
                errors.append(f"«{safe_display_name(uploaded.name)}»: {exc.message}")
    elif not errors:
        errors.append(" ".join(form.errors.get("files", [])))
    if added:
        messages.success(request, _("%(n)s berkas dilampirkan pada butir.") % {"n": added})
    if errors:
        messages.error(request, " ".join(errors))
    return redirect(_answer_url(answer, anchor))


@login_required
@require_POST
def item_decide(request, public_id, item_id, decision):
    answer = _answer_or_404(request.user, public_id)
    if not access.can_review(request.user, answer.period):
        raise PermissionDenied(_("Hanya asesor internal instansi ini yang dapat menilai butir."))
    url = reverse("review:detail", kwargs={"public_id": answer.public_id})
    next_url = request.POST.get("next") or ""
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    try:
        view = items.item_decide(
            answer=answer,
            user=request.user,
            item_id=item_id,
            decision=DECISIONS[decision],
            comment=request.POST.get("comment", ""),
        )
    except (Invalid, WrongState, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect(f"{url}#item-{item_id}")
    messages.success(
        request,
        _("Butir disimpan. Tingkat menurut butir yang diterima: %(level)s.")
        % {"level": view.derived_level},
    )
    return redirect(f"{url}#item-{item_id}")
