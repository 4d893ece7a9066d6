"""Django admin, for platform operators: read-only views.

Changes go through each app's own pages so that they run through the actions and
are audited; the admin is for looking, not for writing around the rules.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from wellled.core.models import AuditEvent, ClosureDay, Job


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every app's admin screens derive from this: no add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "actor_label", "request_id")


@admin.register(ClosureDay)
class ClosureDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "reason")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "status", "progress", "created_at")
    list_filter = ("status", "kind")
