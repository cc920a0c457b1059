from django import template

from assessments import access

register = template.Library()


@register.filter
def is_officer(user):
    """For the navigation: is the user an officer of any OPD?"""
    return bool(access.scope_for(user).officer_opds)
