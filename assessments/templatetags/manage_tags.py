from django import template

from assessments import access

register = template.Library()


@register.filter
def is_administrator(user):
    """For the navigation: does the user administer any instansi?"""
    return access.is_administrator(user)
