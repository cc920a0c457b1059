"""The audit trail of administrative changes, kept by django-auditlog.

The models are registered in settings (AUDITLOG_INCLUDE_TRACKING_MODELS);
every save or delete of an account, role, organisation or period writes a
LogEntry with the field changes. The action functions wrap their writes in
`acting_as(by)` so that an entry names who made the change also when it comes
from the command line or a task, where no request middleware sets the actor.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models import AnswerEvent, EvaluationPeriod, EventKind, Membership, User

TRAIL_LIMIT = 100


@contextmanager
def acting_as(by):
    """Attribute the audit entries written inside the block to `by`.

    Inside a request the middleware has already set the same actor (with the
    client's address), and that context is kept as it is. auditlog's own
    context manager does not restore the outer context when it ends, so it is
    put back here: entries written later in the same request stay attributed.
    """
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    if by is None or (outer is not None and outer.get("actor") == by):
        yield
        return
    try:
        with set_actor(by):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class TrailRow:
    timestamp: datetime
    actor: str
    action: str
    subject: str
    changes: tuple[Change, ...]
    note: str = ""


def note_latest(instance: models.Model, **data) -> None:
    """Add what the field changes cannot say (a reason) to the newest audit
    entry of `instance`, written by the save just before."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_pk=str(instance.pk),
        )
        .order_by("-pk")
        .first()
    )
    if entry is not None:
        entry.additional_data = {**(entry.additional_data or {}), **data}
        entry.save(update_fields=["additional_data"])


def member_trail(member: User) -> list[TrailRow]:
    """Who changed this account and which roles it was given or lost, newest
    first. Role entries are found by the user id stored with them, so a
    revoked role still shows who revoked it."""
    user_type = ContentType.objects.get_for_model(User)
    role_type = ContentType.objects.get_for_model(Membership)
    entries = LogEntry.objects.filter(
        Q(content_type=user_type, object_pk=str(member.pk))
        | Q(content_type=role_type, additional_data__user_id=member.pk)
    )
    return _rows(entries, {user_type.pk: User, role_type.pk: Membership})


# Answer changes that undo a step: the period's record shows them too.
UNDOING_KINDS = (EventKind.WITHDRAWN, EventKind.REOPENED)


def period_trail(period: EvaluationPeriod) -> list[TrailRow]:
    """The period's transitions and schedule changes, and the answers
    withdrawn or reopened in it, newest first."""
    period_type = ContentType.objects.get_for_model(EvaluationPeriod)
    entries = LogEntry.objects.filter(content_type=period_type, object_pk=str(period.pk))
    rows = _rows(entries, {period_type.pk: EvaluationPeriod})
    undone = (
        AnswerEvent.objects.filter(answer__period=period, kind__in=UNDOING_KINDS)
        .select_related("actor", "answer__indicator")
        .order_by("-created_at", "-pk")[:TRAIL_LIMIT]
    )
    rows += [
        TrailRow(
            timestamp=event.created_at,
            actor=(event.actor.get_full_name() or event.actor.username)
            if event.actor
            else _("Sistem (baris perintah)"),
            action=event.get_kind_display(),
            subject=_("Indikator %(code)s") % {"code": event.answer.indicator.code},
            changes=(),
            note=event.comment,
        )
        for event in undone
    ]
    rows.sort(key=lambda row: row.timestamp, reverse=True)
    return rows[:TRAIL_LIMIT]


def _rows(entries, models_by_type: dict[int, type[models.Model]]) -> list[TrailRow]:
    entries = entries.select_related("actor").order_by("-timestamp", "-pk")[:TRAIL_LIMIT]
    return [
        TrailRow(
            timestamp=entry.timestamp,
            actor=_actor_name(entry),
            action=_action_label(entry, models_by_type[entry.content_type_id]),
            subject=entry.object_repr,
            changes=_changes(entry, models_by_type[entry.content_type_id]),
            note=str((entry.additional_data or {}).get("reason", "")),
        )
        for entry in entries
    ]


def _actor_name(entry: LogEntry) -> str:
    if entry.actor is None:
        return _("Sistem (baris perintah)")
    return entry.actor.get_full_name() or entry.actor.username


def _action_label(entry: LogEntry, model: type[models.Model]) -> str:
    if model is Membership:
        labels = {
            LogEntry.Action.CREATE: _("Peran diberikan"),
            LogEntry.Action.UPDATE: _("Peran diakhiri (pindah)"),
            LogEntry.Action.DELETE: _("Peran dicabut"),
        }
    else:
        labels = {
            LogEntry.Action.CREATE: _("Dibuat"),
            LogEntry.Action.DELETE: _("Dihapus"),
        }
    if entry.action == LogEntry.Action.ACCESS and (entry.additional_data or {}).get("invitation"):
        return _("Undangan dikirim")
    return labels.get(entry.action, _("Diubah"))


def _changes(entry: LogEntry, model: type[models.Model]) -> tuple[Change, ...]:
    """Field by field from what to what. Relations are left to the entry's
    subject (its text names them as they were) rather than looked up again."""
    if entry.action != LogEntry.Action.UPDATE:
        return ()  # a creation or deletion is said by the action and subject
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        try:
            field = model._meta.get_field(name)
        except Exception:  # a field since removed from the model
            continue
        if field.is_relation:
            continue
        old, new = (_shown(field, value) for value in values)
        changes.append(Change(field=str(field.verbose_name), old=old, new=new))
    return tuple(changes)


def _shown(field, value) -> str:
    if value in (None, "None", ""):
        return "—"
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("ya") if value in ("True", True) else _("tidak")
    if type(field) is models.DateField:
        day = parse_date(str(value))
        return date_format(day, "DATE_FORMAT") if day else str(value)
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, UTC)
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return str(value)
