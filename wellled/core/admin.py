from __future__ import annotations

from django.contrib import admin

from wellled.core.models import AuditEvent, ClosureDay, Job
from wellled.organisation.admin import ReadOnlyAdmin


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
