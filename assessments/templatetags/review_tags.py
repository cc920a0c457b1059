from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from assessments import access
from assessments.models import Answer, AnswerState

register = template.Library()

_STATE_LABELS = dict(AnswerState.choices)


@register.filter
def state_label(value):
    """An answer state's display name; events store the raw value."""
    return _STATE_LABELS.get(value, value)


# Event fields that are not Answer columns.
EVENT_FIELDS = {
    "evidence_file": _("Berkas data dukung"),
    "evidence_link": _("Tautan data dukung"),
    "evidence_item": _("Butir bukti"),
    "state": _("Status"),
}


@register.filter
def answer_field_label(name):
    """The verbose name of an Answer field named in an event."""
    try:
        return Answer._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return EVENT_FIELDS.get(name, name)


@register.filter
def is_reviewer(user):
    """For the navigation: does the user hold the reviewer role anywhere?"""
    return access.is_reviewer(user)


@register.filter
def reads_review_queue(user):
    """For the navigation: reviewers, and administrators (who reopen answers)."""
    return access.reads_review_queue(user)
