"""The answer's decision and conversation as the officer sees them: the
reviewer's latest decision at the top of the answer page, and replies."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import access, conversation
from assessments.models import AnswerEvent, AnswerState, EventKind
from assessments.views.history import History
from spbe_portal.errors import DomainError, NotAllowed

DECIDING_KINDS = (EventKind.ACCEPTED, EventKind.ADJUSTED)


@dataclass
class Decision:
    """What the reviewer decided, for the banner above the answer."""

    kind: str  # "validated", "returned" or "reopened"
    event: AnswerEvent | None
    level: int | None = None
    level_name: str = ""
    proposed: int | None = None
    proposed_name: str = ""

    @property
    def difference(self) -> int | None:
        if self.level is None or self.proposed is None:
            return None
        return self.level - self.proposed

    @property
    def difference_abs(self) -> int:
        return abs(self.difference or 0)


def decision_of(answer, history: History, names: dict[int, str]) -> Decision | None:
    """The decision that stands on the answer now, if there is one: a
    validation (with the level's name and its distance from the proposal), a
    return (with the reason and note), or a reopening."""
    if answer.state == AnswerState.VALIDATED and answer.validated_level is not None:
        event = history.latest(DECIDING_KINDS)
        return Decision(
            kind="validated",
            event=event,
            level=answer.validated_level,
            level_name=names.get(answer.validated_level, ""),
            proposed=answer.proposed_level,
            proposed_name=names.get(answer.proposed_level, ""),
        )
    if answer.state == AnswerState.RETURNED:
        return Decision(kind="returned", event=history.latest((EventKind.RETURNED,)))
    if answer.state == AnswerState.SUBMITTED:
        event = history.latest((EventKind.REOPENED, EventKind.SUBMITTED))
        if event is not None and event.kind == EventKind.REOPENED:
            return Decision(kind="reopened", event=event)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def answer_reply(request, public_id):
    answer = access.get_visible_or_404(
        access.visible_answers(request.user).select_related("period"), public_id=public_id
    )
    if request.method == "GET":
        # The form posts here; an address bar that ends up here opens the answer.
        return redirect("assessments:answer_detail", public_id=answer.public_id)
    try:
        conversation.answer_reply(answer=answer, user=request.user, text=request.POST.get("text"))
    except NotAllowed:
        raise  # a 403 page, as for any other act this user may not do
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tanggapan dikirim."))
    return redirect(
        reverse("assessments:answer_detail", kwargs={"public_id": answer.public_id})
        + "#conversation"
    )
