from django.contrib import admin

from reports.models import IndexSnapshot, ReportJob


@admin.register(IndexSnapshot)
class IndexSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are computed, never edited by hand."""

    list_display = ["period", "basis", "index_display", "predicate", "complete", "computed_at"]
    list_filter = ["basis", "complete"]
    list_select_related = ["period__instansi"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["period", "kind", "basis", "format", "state", "created_at", "finished_at"]
    list_filter = ["state", "kind", "format"]
    list_select_related = ["period__instansi"]
    readonly_fields = ["public_id", "file", "message", "started_at", "finished_at"]
