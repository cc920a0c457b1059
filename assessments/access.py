"""The one place that decides who may see and change what.

Every view (HTML or API) looks objects up through these helpers, so a rule
is written once. Lookups of objects a user may not see raise Http404 rather
than 403: an outsider learns nothing about what exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from assessments.models import (
    OPD,
    Answer,
    Assignment,
    EvaluationPeriod,
    EvidenceFile,
    Instansi,
    Membership,
    Role,
)

INSTANSI_WIDE_ROLES = (Role.REVIEWER, Role.LEADERSHIP, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Scope:
    """What one user holds: instansi-wide roles and OPD memberships."""

    is_superuser: bool = False
    roles: dict[int, frozenset[str]] = field(default_factory=dict)  # instansi id -> roles
    officer_opds: frozenset[int] = frozenset()

    def has_role(self, instansi_id: int, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles.get(instansi_id, frozenset()) & set(roles))

    def instansi_ids(self, *roles: str) -> set[int]:
        return {iid for iid, held in self.roles.items() if held & set(roles)}

    @property
    def is_anyone(self) -> bool:
        return self.is_superuser or bool(self.roles)


def scope_for(user) -> Scope:
    """Cached on the user object, so a request computes it once."""
    if not getattr(user, "is_authenticated", False):
        return Scope()
    cached = getattr(user, "_spbe_scope", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = {}
    opds: set[int] = set()
    for instansi_id, role, opd_id in (
        Membership.objects.current().filter(user=user).values_list("instansi_id", "role", "opd_id")
    ):
        roles.setdefault(instansi_id, set()).add(role)
        if role == Role.OFFICER and opd_id:
            opds.add(opd_id)
    scope = Scope(
        is_superuser=user.is_superuser,
        roles={iid: frozenset(r) for iid, r in roles.items()},
        officer_opds=frozenset(opds),
    )
    user._spbe_scope = scope
    return scope


def visible_instansi(user) -> QuerySet[Instansi]:
    scope = scope_for(user)
    if scope.is_superuser:
        return Instansi.objects.all()
    return Instansi.objects.filter(id__in=scope.roles.keys())


def visible_periods(user) -> QuerySet[EvaluationPeriod]:
    scope = scope_for(user)
    if scope.is_superuser:
        return EvaluationPeriod.objects.all()
    return EvaluationPeriod.objects.filter(instansi_id__in=scope.roles.keys())


def visible_opds(user) -> QuerySet[OPD]:
    scope = scope_for(user)
    if scope.is_superuser:
        return OPD.objects.all()
    return OPD.objects.filter(
        Q(instansi_id__in=scope.instansi_ids(*INSTANSI_WIDE_ROLES)) | Q(id__in=scope.officer_opds)
    )


def visible_answers(user) -> QuerySet[Answer]:
    """Officers see their OPDs' answers and those they contribute evidence
    to; instansi-wide roles see every answer of their instansi."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Answer.objects.all()
    wide = scope.instansi_ids(*INSTANSI_WIDE_ROLES)
    contributes = Exists(
        Assignment.objects.filter(
            period_id=OuterRef("period_id"),
            indicator_id=OuterRef("indicator_id"),
            contributors__in=scope.officer_opds,
        )
    )
    return Answer.objects.filter(
        Q(period__instansi_id__in=wide) | Q(opd_id__in=scope.officer_opds) | contributes
    )


def sees_answer(user, answer: Answer) -> bool:
    """Whether visible_answers(user) holds `answer` (its period loaded): the
    same rule checked on one row already read. Building and planning the
    rule's subquery cost more than the row; only a contributor is asked
    about the assignment."""
    scope = scope_for(user)
    if scope.is_superuser or answer.opd_id in scope.officer_opds:
        return True
    if scope.has_role(answer.period.instansi_id, *INSTANSI_WIDE_ROLES):
        return True
    return bool(scope.officer_opds) and _contributes(scope, answer)


def _contributes(scope: Scope, answer: Answer) -> bool:
    return Assignment.objects.filter(
        period_id=answer.period_id,
        indicator_id=answer.indicator_id,
        contributors__in=scope.officer_opds,
    ).exists()


def get_visible_answer_or_404(user, *related: str, **lookup) -> Answer:
    """visible_answers(user).select_related(*related).get(**lookup), the rule
    checked on the row read (sees_answer): 404 when not visible."""
    answer = get_visible_or_404(Answer.objects.select_related("period", *related), **lookup)
    if not sees_answer(user, answer):
        raise Http404
    return answer


def visible_evidence(user) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(answer__in=visible_answers(user))


def get_visible_or_404(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_answer(user, answer: Answer) -> bool:
    """Only officers of the responsible OPD write the level and explanation."""
    scope = scope_for(user)
    return answer.opd_id in scope.officer_opds


def can_add_evidence(user, answer: Answer) -> bool:
    scope = scope_for(user)
    if answer.opd_id in scope.officer_opds:
        return True
    return _contributes(scope, answer)


def can_review(user, period: EvaluationPeriod) -> bool:
    return scope_for(user).has_role(period.instansi_id, Role.REVIEWER)


def can_administer(user, instansi_id: int) -> bool:
    return scope_for(user).has_role(instansi_id, Role.ADMINISTRATOR)


def can_read_results(user, instansi_id: int) -> bool:
    return scope_for(user).has_role(instansi_id, *INSTANSI_WIDE_ROLES)


def reviewable_periods(user) -> QuerySet[EvaluationPeriod]:
    """Periods of the instansi where the user is an internal assessor."""
    scope = scope_for(user)
    if scope.is_superuser:
        return EvaluationPeriod.objects.all()
    return EvaluationPeriod.objects.filter(instansi_id__in=scope.instansi_ids(Role.REVIEWER))


def reviewable_answers(user) -> QuerySet[Answer]:
    scope = scope_for(user)
    if scope.is_superuser:
        return Answer.objects.all()
    return Answer.objects.filter(period__instansi_id__in=scope.instansi_ids(Role.REVIEWER))


def is_reviewer(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.instansi_ids(Role.REVIEWER))


# The review queue is read by reviewers, who decide there, and by
# administrators, who reopen validated answers from it.
QUEUE_READERS = (Role.REVIEWER, Role.ADMINISTRATOR)


def review_queue_periods(user) -> QuerySet[EvaluationPeriod]:
    scope = scope_for(user)
    if scope.is_superuser:
        return EvaluationPeriod.objects.all()
    return EvaluationPeriod.objects.filter(instansi_id__in=scope.instansi_ids(*QUEUE_READERS))


def review_queue_answers(user) -> QuerySet[Answer]:
    scope = scope_for(user)
    if scope.is_superuser:
        return Answer.objects.all()
    return Answer.objects.filter(period__instansi_id__in=scope.instansi_ids(*QUEUE_READERS))


def reads_review_queue(user) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.instansi_ids(*QUEUE_READERS))


def visible_notifications(user):
    """Notifications are private to their recipient."""
    from assessments.models import Notification

    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def administrable_instansi(user) -> QuerySet[Instansi]:
    """Instansi a user manages: where they are administrator, plus the
    kabupaten/kota registered under a province they administer (the province
    registers them and may set up their first accounts)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Instansi.objects.all()
    own = scope.instansi_ids(Role.ADMINISTRATOR)
    return Instansi.objects.filter(Q(id__in=own) | Q(parent_id__in=own))


def administrable_periods(user) -> QuerySet[EvaluationPeriod]:
    return EvaluationPeriod.objects.filter(instansi__in=administrable_instansi(user))


def is_administrator(user) -> bool:
    """For the navigation: does the user administer any instansi?"""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.instansi_ids(Role.ADMINISTRATOR))


def can_manage_instansi(user, instansi: Instansi) -> bool:
    """Set up OPDs, accounts, roles and periods of this instansi: its own
    administrators, and those of the province it is registered under."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    own = scope.instansi_ids(Role.ADMINISTRATOR)
    return instansi.id in own or (instansi.parent_id is not None and instansi.parent_id in own)


def can_manage_account(user, member) -> bool:
    """Account-wide changes (name, e-mail, NIP, active, invitations) only for
    accounts whose every role lies in instansi this administrator manages:
    an account shared with another instansi is theirs to change too. A
    superuser's account is changed only by a superuser."""
    if member.is_superuser and not scope_for(user).is_superuser:
        return False
    held = set(
        Membership.objects.current().filter(user=member).values_list("instansi_id", flat=True)
    )
    return held <= set(administrable_instansi(user).values_list("id", flat=True))


def answer_a_year_earlier(user, answer):
    """The same indicator's answer a year earlier, if this user may see it
    (another OPD may have held it then); shown beside this year's level.
    At most one answer matches (one per period and indicator), so it is read
    and then checked (sees_answer)."""
    period = answer.period
    earlier = (
        Answer.objects.filter(
            period__instansi_id=period.instansi_id,
            period__year=period.year - 1,
            indicator__code=answer.indicator.code,
        )
        .select_related("period", "opd")
        .first()
    )
    return earlier if earlier is not None and sees_answer(user, earlier) else None
