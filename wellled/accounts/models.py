"""What the platform must remember about a login beyond Django's own user."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LoginState(models.Model):
    """One row per login that needs one; a login without a row has nothing pending."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_state"
    )
    # Set when someone other than the owner chose the password (a new login's
    # one-time password): the owner must replace it before using anything else.
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = "login state"

    def __str__(self) -> str:
        return f"Login state of user {self.user_id}"
