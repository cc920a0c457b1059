"""The reviewer's queue: the period's answers filtered, searched and sorted,
the way from one waiting answer to the next, and the bulk decisions (accept
at the proposed level, return with one reason), each confirmed first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import access, items
from assessments import review as reviewing
from assessments.forms.review import ALL_STATES, BulkReturnForm, ReviewFilterForm
from assessments.models import Answer, AnswerState, EvaluationPeriod, EvidenceFile
from assessments.views.review_queue_rows import ROW_COLUMNS, queue_rows
from spbe_portal.errors import Conflict, Invalid, WrongState

PAGE_SIZE = 50
DEFAULT_SORT = "indicator"

# The state column sorts in the order an answer lives through, not alphabetically.
_STATE_ORDER = Case(
    *(When(state=value, then=Value(i)) for i, value in enumerate(AnswerState.values)),
    output_field=IntegerField(),
)


def require_reviewer(user) -> None:
    if not access.is_reviewer(user):
        raise PermissionDenied(_("Halaman ini hanya untuk asesor internal."))


def safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("review:queue")


def _default_period(periods, counts) -> EvaluationPeriod | None:
    """The newest period with answers waiting for this reviewer, else the
    newest still under review, else the newest of all: an empty new year must
    not hide the work left in the previous one."""
    waiting = {period_id for period_id, state in counts if state == AnswerState.SUBMITTED}
    for candidates in (
        [p for p in periods if p.pk in waiting and p.accepts_reviews()],
        [p for p in periods if p.accepts_reviews()],
        periods,
    ):
        if candidates:
            return candidates[0]
    return None


def _chosen_period(periods, chosen: str) -> EvaluationPeriod:
    """The period the address names, from the list the page shows: 404 when
    it is not one of them."""
    try:
        pk = int(chosen)
    except ValueError:
        raise Http404 from None
    for period in periods:
        if period.pk == pk:
            return period
    raise Http404


def _state_counts(user, periods) -> dict[tuple[int, str], int]:
    """(period, state) -> answers in the user's queue, for these periods."""
    return {
        (period_id, state): n
        for period_id, state, n in access.review_queue_answers(user)
        .filter(period__in=[p.pk for p in periods])
        .values_list("period_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    }


def _ordering(sort: str) -> list:
    descending = sort.startswith("-")
    key = sort.lstrip("-") or DEFAULT_SORT
    if key == "waiting":
        # Longest waiting first; answers never submitted go last either way.
        stamp = F("submitted_at")
        first = stamp.desc(nulls_last=True) if descending else stamp.asc(nulls_last=True)
        return [first, "indicator__position", "pk"]
    columns = {
        "indicator": [F("indicator__position"), F("opd__short_name")],
        "opd": [F("opd__short_name"), F("indicator__position")],
        "state": [_STATE_ORDER, F("indicator__position")],
    }.get(key, [F("indicator__position"), F("opd__short_name")])
    head = columns[0].desc() if descending else columns[0].asc()
    return [head, *columns[1:], "pk"]


def queue_answers(user, period: EvaluationPeriod, filters: dict) -> QuerySet[Answer]:
    """The period's answers in the user's queue, filtered, searched and sorted
    as the queue lists them; the state filter is left to the caller."""
    answers = access.review_queue_answers(user).filter(period=period)
    if filters.get("opd"):
        answers = answers.filter(opd=filters["opd"])
    if filters.get("domain"):
        answers = answers.filter(indicator__aspect__domain=filters["domain"])
    if filters.get("aspect"):
        answers = answers.filter(indicator__aspect=filters["aspect"])
    if filters.get("q"):
        q = filters["q"]
        answers = answers.filter(
            Q(indicator__code__iexact=q)
            | Q(indicator__name__icontains=q)
            | Q(opd__short_name__icontains=q)
            | Q(opd__name__icontains=q)
        )
    return answers.order_by(*_ordering(filters.get("sort") or DEFAULT_SORT))


def filters_from(user, period: EvaluationPeriod, query: QueryDict) -> dict:
    """The queue's filters as a queue address carries them, for `period`."""
    data = query.copy()
    data["period"] = str(period.pk)
    form = ReviewFilterForm(data, periods=access.review_queue_periods(user), period=period)
    form.is_valid()
    # A value from elsewhere is dropped, not applied: the queue shows the error.
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}


@dataclass(frozen=True)
class Waiting:
    """The next waiting answer, as the page links to it."""

    public_id: uuid.UUID
    code: str  # its indicator's


def next_waiting(user, answer: Answer, next_url: str) -> Waiting | None:
    """The submitted answer after `answer` in the queue `next_url` shows
    (its filters and order, whatever its state filter), wrapping round to the
    first; None when nothing else waits. One query without a queue address."""
    query = QueryDict(urlsplit(next_url).query) if next_url else QueryDict()
    # No address, no filters: the form (two queries) would clean nothing.
    filters = filters_from(user, answer.period, query) if query else {}
    # The list carries what the link needs: no second query for the answer.
    order = list(
        queue_answers(user, answer.period, filters)
        .filter(Q(state=AnswerState.SUBMITTED) | Q(pk=answer.pk))
        .values_list("pk", "public_id", "indicator__code")
    )
    at = next((i for i, row in enumerate(order) if row[0] == answer.pk), None)
    if at is not None:
        order = order[at + 1 :] + order[:at]
    if not order:
        return None
    return Waiting(public_id=order[0][1], code=order[0][2])


@login_required
@require_GET
def review_queue(request):
    if not access.reads_review_queue(request.user):
        raise PermissionDenied(_("Halaman ini hanya untuk asesor internal."))
    # Listed once: the period filter's options, the chosen period (its
    # framework included) and the default all come from here.
    periods = list(
        access.review_queue_periods(request.user)
        .select_related("instansi", "framework")
        .order_by("-year", "instansi__name")
    )
    if request.GET.get("period"):
        period = _chosen_period(periods, request.GET["period"])
        counts = _state_counts(request.user, [period])
    else:
        # One count per period and state: it finds the default and the
        # chosen period's summary in one query.
        counts = _state_counts(request.user, periods)
        period = _default_period(periods, counts)

    data = request.GET.copy()
    data.setdefault("state", AnswerState.SUBMITTED)
    data.setdefault("sort", DEFAULT_SORT)
    if period is not None:
        data["period"] = str(period.pk)
    form = ReviewFilterForm(data, periods=periods, period=period)
    form.is_valid()
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}

    page = None
    state_counts = {}
    reviews = period is not None and access.can_review(request.user, period)
    can_decide = reviews and period.accepts_reviews()
    item_mode = period is not None and items.uses_items(period.framework)
    here = request.get_full_path()
    if period is not None:
        state_counts = {state: n for (pk, state), n in counts.items() if pk == period.pk}
        page = _queue_page(request, period, filters, state_counts)
        # The page iterates the rows, ready to show, instead of the answers.
        page.object_list = queue_rows(page, here=here, selectable=can_decide and not item_mode)
    return render(
        request,
        "assessments/review_queue.html",
        {
            "form": form,
            "period": period,
            "page": page,
            **_sorting(request, filters.get("sort") or DEFAULT_SORT),
            "here": here,
            # Administrators read the queue (to reopen answers) but do not decide.
            "reviews": reviews,
            "can_decide": can_decide,
            # Item mode: each answer's level comes from its items, never in bulk.
            "item_mode": item_mode,
            "return_form": BulkReturnForm(auto_id="bulk_%s"),
            "state_summary": [
                (value, label, state_counts.get(value, 0)) for value, label in AnswerState.choices
            ],
        },
    )


def _queue_page(request, period, filters: dict, state_counts: dict):
    """The page of answers the filters select, as values."""
    # A subquery, not a join with GROUP BY: the page's COUNT then leaves
    # it out, and PostgreSQL plans both queries in about half the time.
    evidence = (
        EvidenceFile.objects.filter(answer=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("answer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answers = queue_answers(request.user, period, filters).annotate(
        evidence_count=Coalesce(Subquery(evidence), 0)
    )
    state = filters.get("state") or AnswerState.SUBMITTED
    if state != ALL_STATES:
        answers = answers.filter(state=state)
    paginator = Paginator(answers.values(*ROW_COLUMNS), PAGE_SIZE)
    if not any(filters.get(name) for name in ("opd", "domain", "aspect", "q")):
        # Filtered by state alone: the summary has counted them already.
        paginator.count = (
            sum(state_counts.values()) if state == ALL_STATES else state_counts.get(state, 0)
        )
    return paginator.get_page(request.GET.get("page"))


def _sorting(request, sort: str) -> dict:
    """The page links keep the filters; each column header sorts by its key,
    a second click the other way round."""
    query = request.GET.copy()
    query.pop("page", None)
    headers = {}
    for key in ("indicator", "opd", "state", "waiting"):
        target = query.copy()
        target["sort"] = f"-{key}" if sort == key else key
        target.pop("page", None)
        direction = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        headers[key] = {"url": "?" + target.urlencode(), "aria_sort": direction}
    return {"query": query.urlencode(), "sort_headers": headers}


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


def _selected_answers(request):
    """The selected answers at the versions the reviewer saw, or a redirect
    back with the reason; 404 when one is not the reviewer's to see."""
    selected = _parse_selection(request.POST.getlist("selected"))
    if selected is None:
        messages.error(request, _("Pilihan jawaban tidak valid."))
        return None
    if not selected:
        messages.error(request, _("Pilih setidaknya satu jawaban."))
        return None
    answers = list(
        access.reviewable_answers(request.user)
        .filter(public_id__in=selected)
        .select_related("period__framework", "period__instansi", "indicator", "opd")
        .order_by("indicator__position", "opd__short_name")
    )
    if len(answers) != len(selected):
        raise Http404
    for answer in answers:
        answer.version = selected[answer.public_id]
    return answers


def _confirm(request, *, action: str, answers, back: str, form=None):
    return render(
        request,
        "assessments/review_bulk_confirm.html",
        {"action": action, "answers": answers, "back": back, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_accept_bulk(request):
    require_reviewer(request.user)
    if request.method == "GET":
        # A confirmation page's address, entered again: back to the queue.
        return redirect("review:queue")
    back = safe_next(request, request.POST.get("next"))
    answers = _selected_answers(request)
    if answers is None:
        return redirect(back)
    if request.POST.get("confirmed") != "1":
        return _confirm(request, action="accept", answers=answers, back=back)
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


@login_required
@require_http_methods(["GET", "POST"])
def review_return_bulk(request):
    require_reviewer(request.user)
    if request.method == "GET":
        return redirect("review:queue")
    back = safe_next(request, request.POST.get("next"))
    answers = _selected_answers(request)
    if answers is None:
        return redirect(back)
    form = BulkReturnForm(request.POST, auto_id="bulk_%s")
    if not form.is_valid():
        messages.error(
            request,
            _("Tidak ada jawaban yang dikembalikan. %(why)s")
            % {"why": " ".join(e for errors in form.errors.values() for e in errors)},
        )
        return redirect(back)
    if request.POST.get("confirmed") != "1":
        return _confirm(request, action="return", answers=answers, back=back, form=form)
    try:
        reviewing.answers_return_bulk(
            answers=answers,
            user=request.user,
            reason=form.cleaned_data["reason"],
            comment=form.cleaned_data["comment"],
        )
    except (Invalid, WrongState, Conflict) as exc:
        messages.error(
            request, _("Tidak ada jawaban yang dikembalikan. %(why)s") % {"why": exc.message}
        )
        return redirect(back)
    messages.success(
        request, _("%(n)s jawaban dikembalikan ke OPD untuk perbaikan.") % {"n": len(answers)}
    )
    return redirect(back)
