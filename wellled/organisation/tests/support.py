"""Helpers for the organisation page tests."""

from __future__ import annotations

from django.contrib.auth.models import User

from wellled.organisation import actions
from wellled.organisation.models import OrgUnit, StaffProfile


def add_staff(name: str, unit: OrgUnit, *, user: User | None = None, **extra: str) -> StaffProfile:
    return actions.create_staff_profile(
        acting_user=None, full_name=name, unit=unit, user=user, **extra
    )


def error_texts(response) -> str:
    """Every error the page's form carries, as one string to search."""
    form = response.context["form"]
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
