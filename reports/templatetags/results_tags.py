from django import template

from assessments.access import INSTANSI_WIDE_ROLES, scope_for

register = template.Library()


@register.filter
def reads_results(user) -> bool:
    """Whether the results menu applies: someone holding an instansi-wide role."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.instansi_ids(*INSTANSI_WIDE_ROLES))
