from django import template

from assessments import access

register = template.Library()


@register.filter
def is_officer(user):
    """For the navigation: is the user an officer of any OPD?"""
    return bool(access.scope_for(user).officer_opds)


@register.filter
def latest_event(events, kind):
    """The newest event of `kind` in an answer's (oldest-first) thread, or None:
    the answer page shows the reviewer's latest return above the form."""
    found = None
    for event in events or ():
        if event.kind == kind:
            found = event
    return found


STATE_BADGE = {
    "validated": "text-bg-success",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
}


@register.filter
def state_badge_class(state):
    """The badge colour of an answer's state (the list prepares it per row)."""
    return STATE_BADGE.get(state, "text-bg-secondary")
