"""Issued documents: the administrator's page for the kop surat, numbering
and signatories, and the public page that confirms an issued document."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import can_administer
from reports.documents import find_issued
from reports.forms.documents import LetterheadForm, SignatoriesForm
from reports.models import IssuedDocument, Letterhead, Signatories
from reports.views.jobs import period_or_404

REGISTRY_SHOWN = 50


@login_required
@require_http_methods(["GET", "POST"])
def document_settings(request, instansi: str, year: int):
    """The instansi's letterhead and numbering and the period's signatories,
    saved together; below them the period's issued documents."""
    period = period_or_404(request.user, instansi, year)
    if not can_administer(request.user, period.instansi_id):
        # As every administration page: others do not learn it is there.
        raise Http404
    letterhead = Letterhead.objects.filter(instansi=period.instansi).first()
    letterhead = letterhead or Letterhead(instansi=period.instansi)
    signatories = Signatories.objects.filter(period=period).first() or Signatories(period=period)
    status = 200
    if request.method == "POST":
        head_form = LetterheadForm(request.POST, request.FILES, instance=letterhead, prefix="kop")
        sign_form = SignatoriesForm(request.POST, instance=signatories, prefix="ttd")
        if head_form.is_valid() and sign_form.is_valid():
            with transaction.atomic():
                head_form.save()
                sign_form.save()
            messages.success(request, _("Kop surat dan penandatangan disimpan."))
            return redirect("reports:document_settings", instansi=instansi, year=year)
        status = 400
    else:
        head_form = LetterheadForm(instance=letterhead, prefix="kop")
        sign_form = SignatoriesForm(instance=signatories, prefix="ttd")
    issued = IssuedDocument.objects.filter(period=period).order_by("-issued_at", "-id")
    context = {
        "period": period,
        "head_form": head_form,
        "sign_form": sign_form,
        "has_logo": bool(letterhead.logo),
        "issued": list(issued[:REGISTRY_SHOWN]),
    }
    return render(request, "reports/document_settings.html", context, status=status)


@require_GET
def verify(request, code: str):
    """Open to anyone holding a code. It confirms what the paper should say
    and nothing else; an unknown code gets the same 404 whatever exists."""
    document = find_issued(code)
    if document is None:
        return render(request, "reports/verify_unknown.html", status=404)
    return render(request, "reports/verify.html", {"document": document})
