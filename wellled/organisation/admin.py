"""Django admin, for platform operators: read-only views.

Changes go through the app's own pages so that they run through the actions and
are audited; the admin is for looking, not for writing around the rules.
"""

from __future__ import annotations

from django.contrib import admin

from wellled.core.admin import ReadOnlyAdmin
from wellled.organisation.models import OrgUnit, RoleAssignment, StaffProfile


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "ods_code", "path", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "ods_code")


@admin.register(StaffProfile)
class StaffProfileAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "job_title", "unit", "is_active")
    search_fields = ("full_name", "staff_number")
    list_select_related = ("unit",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role",)
    list_select_related = ("user", "unit")
