"""The Django admin is for support staff; day-to-day administration happens in
the portal's own pages (manage/). History and evidence are read-only here:
the audit trail must not be editable behind the portal's back."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    OPD,
    Answer,
    AnswerEvent,
    ApiToken,
    Assignment,
    EvaluationPeriod,
    EvidenceFile,
    EvidenceLink,
    Instansi,
    Membership,
    Notification,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["opd"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    search_fields = ["code", "name"]


@admin.register(OPD)
class OPDAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name", "instansi", "active"]
    list_filter = ["instansi", "active"]
    search_fields = ["code", "short_name", "name"]


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(admin.ModelAdmin):
    list_display = ["instansi", "year_shown", "framework", "state", "fill_closes_at"]
    list_filter = ["state", "framework"]

    @admin.display(description=_("tahun"), ordering="year")
    def year_shown(self, period):
        # The admin groups every integer's thousands ("2.025"); a year is a name.
        return str(period.year)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["period", "indicator", "responsible_opd"]
    list_filter = ["period"]
    list_select_related = ["period__instansi", "indicator", "responsible_opd"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = AnswerEvent
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in AnswerEvent._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = [
        "period",
        "indicator",
        "opd",
        "state",
        "proposed_level",
        "validated_level",
        "final_level",
    ]
    list_filter = ["state", "period"]
    list_select_related = ["period__instansi", "indicator", "opd"]
    inlines = [EventInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "answer",
        "content_type",
        "size",
        "uploaded_at",
        "withdrawn_at",
    ]
    list_select_related = ["answer__period__instansi", "answer__indicator"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(ReadOnlyAdmin):
    list_display = ["url", "answer", "added_at", "withdrawn_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Support staff may revoke a token; the secret itself is never stored."""

    list_display = ["user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "key_prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request, obj=None):
        return False
