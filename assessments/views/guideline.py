"""Tagging a file or link with the guideline's evidence criteria it proves,
from the answer page's checklist (assessments.evidence.tags). A refusal
reaches the portal's error page through DomainErrorMiddleware."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import access
from assessments.evidence import tags
from assessments.models import EvidenceLink


def _back(evidence):
    url = reverse("assessments:answer_detail", kwargs={"public_id": evidence.answer.public_id})
    return redirect(f"{url}#guideline")


@login_required
@require_POST
def evidence_tag(request, public_id):
    evidence = access.get_visible_or_404(
        access.visible_evidence(request.user).select_related("answer"), public_id=public_id
    )
    tags.evidence_tag(evidence=evidence, user=request.user, keys=request.POST.getlist("criteria"))
    messages.success(
        request,
        _("Kriteria bukti dukung untuk «%(name)s» disimpan.") % {"name": evidence.original_name},
    )
    return _back(evidence)


@login_required
@require_POST
def evidence_link_tag(request, public_id):
    link = access.get_visible_or_404(
        EvidenceLink.objects.filter(answer__in=access.visible_answers(request.user)).select_related(
            "answer"
        ),
        public_id=public_id,
    )
    tags.evidence_tag(evidence=link, user=request.user, keys=request.POST.getlist("criteria"))
    messages.success(
        request, _("Kriteria bukti dukung untuk tautan %(url)s disimpan.") % {"url": link.url}
    )
    return _back(link)
