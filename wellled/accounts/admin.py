"""Logins in the Django admin: read-only, and no secret on any page.

The stock screens from django.contrib.auth, DRF's authtoken, django-otp and
django-axes let an operator set anyone's password, mint their API token or add an
authenticator app, and so log in as them: as a Freedom to Speak Up guardian, for
one. Each is replaced here by a read-only screen that shows no password hash,
token key, TOTP key or backup code. Changes to logins go through the pages and
commands that call wellled.accounts.actions, which audit and tell the owner.

The stock admin modules are imported first, so they are registered before being
replaced whatever the order of INSTALLED_APPS.
"""

from __future__ import annotations

import axes.admin
import django.contrib.auth.admin
import django_otp.plugins.otp_static.admin
import django_otp.plugins.otp_totp.admin
import rest_framework.authtoken.admin
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import TokenProxy

from wellled.core.admin import ReadOnlyAdmin

# Named so the imports above read as used: they register the screens replaced below.
_STOCK_ADMINS = (
    axes.admin,
    django.contrib.auth.admin,
    django_otp.plugins.otp_static.admin,
    django_otp.plugins.otp_totp.admin,
    rest_framework.authtoken.admin,
)


def _replace(model: type[Model], model_admin: type[admin.ModelAdmin]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


class UserAdmin(ReadOnlyAdmin):
    # No "password" field: even the hash tells an attacker which algorithm to crack.
    # A plain ModelAdmin, not auth's UserAdmin, so there is no password-setting URL.
    fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "last_login",
        "date_joined",
    )
    list_display = ("username", "first_name", "last_name", "is_active", "is_superuser")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name")


class GroupAdmin(ReadOnlyAdmin):
    fields = ("name", "permissions")
    search_fields = ("name",)


class TokenAdmin(ReadOnlyAdmin):
    # The token's primary key is the secret itself; only its owner and age are shown.
    fields = ("user", "created")
    list_display = ("user", "created")
    list_display_links = None
    search_fields = ("user__username",)
    ordering = ("user__username",)


class TOTPDeviceAdmin(ReadOnlyAdmin):
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    search_fields = ("user__username",)


class StaticDeviceAdmin(ReadOnlyAdmin):
    # No inline of the device's tokens: they are the backup codes.
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    search_fields = ("user__username",)


_replace(User, UserAdmin)
_replace(Group, GroupAdmin)
_replace(TokenProxy, TokenAdmin)
_replace(TOTPDevice, TOTPDeviceAdmin)
_replace(StaticDevice, StaticDeviceAdmin)

# django-axes' screens can delete lockout records (an unlock, also by a bulk
# action); `wellled axes_reset_username` does that on the server. Its columns are kept.
for _model, _stock in list(admin.site._registry.items()):
    if _model._meta.app_label == "axes":
        _read_only = {"__module__": __name__, "actions": None}
        _replace(_model, type(type(_stock).__name__, (ReadOnlyAdmin, type(_stock)), _read_only))
