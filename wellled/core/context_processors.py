from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from wellled.core import navigation
from wellled.organisation.queries import get_trust


def wellled(request: HttpRequest) -> dict[str, Any]:
    trust = get_trust()
    user = request.user
    return {
        "service_name": "wellled",
        "trust_name": trust.name if trust else settings.WELLLED_TRUST_NAME_FALLBACK,
        "two_factor_off": not settings.WELLLED_REQUIRE_2FA,
        "navigation": navigation.nav_for(user, request.path) if user.is_authenticated else [],
    }
