"""Shared pieces of the /api/v1/ API that every module's api.py reuses.

- `exception_handler` turns a Django `ValidationError` raised by an action into a
  400 with a message per field, so API views call actions exactly as pages do.
- `WellledTokenAuthentication` says clearly why a token was refused.
- `TwoFactorSessionAuthentication` accepts a browser session only once it has
  passed the second factor the pages require.
- `query_int` / `query_choice` / `query_text` read filter parameters and answer bad
  ones with a 400 and a message for the parameter, before they reach the database.

DRF imports this module while its own `rest_framework.views` is loading (for the
authentication class), so nothing here may import DRF views at module level.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import (
    SessionAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.settings import api_settings

# The API's session glue sits above accounts (and so above the organisation, which
# tells accounts who is privileged): it asks them whether a session may use the API.
from wellled.accounts.access import is_privileged
from wellled.accounts.queries import is_two_factor_verified

if TYPE_CHECKING:
    from rest_framework.authtoken.models import Token
    from rest_framework.request import Request
    from rest_framework.response import Response


def validation_error_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """{field: [messages]} from a Django ValidationError, in DRF's shape."""
    non_field_key = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(error, "error_dict"):
        return {
            (non_field_key if field == NON_FIELD_ERRORS else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {non_field_key: [str(m) for m in error.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    from rest_framework.views import exception_handler as drf_exception_handler

    # Actions raise Django's ValidationError for bad input; to a client that is a
    # 400, never a 500.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    return drf_exception_handler(exc, context)


_BAD_HEADER = "The Authorization header must be 'Token <key>': one word, a space, then the key."


class WellledTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, with refusals a script's author can act on."""

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        try:
            if len(parts) != 2:
                raise UnicodeError
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_BAD_HEADER) from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        from rest_framework.authtoken.models import Token

        token = Token.objects.select_related("user").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This API token is not valid: it may have been replaced or revoked. "
                "Ask an administrator for a new one."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "The account this API token belongs to has been deactivated."
            )
        return token.user, token


class TwoFactorSessionAuthentication(SessionAuthentication):
    """The login session, on the same terms as the pages.

    The two-factor middleware leaves /api/ alone (tokens cannot answer a redirect),
    so without this a privileged user who has typed only their password could use
    the API through the half-finished session.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None or not settings.WELLLED_REQUIRE_2FA:
            return result
        user = result[0]
        if is_privileged(user) and not is_two_factor_verified(request._request):
            raise exceptions.AuthenticationFailed(
                "Finish signing in with your second factor before using the API "
                "from this browser, or use an API token."
            )
        return result


class TwoFactorSessionScheme(SessionScheme):
    """Describes TwoFactorSessionAuthentication in the schema as the session cookie."""

    target_class = "wellled.core.api.TwoFactorSessionAuthentication"


# Ids and numbers in the API are stored as 64-bit integers (BigAutoField). A larger
# value matches nothing, and SQLite cannot even bind it (OverflowError), so it is
# refused up front rather than reaching the database.
LARGEST_ID = 2**63 - 1
SMALLEST_INT = -(2**63)
WHOLE_NUMBER = "Enter a whole number."
# ASCII digits only: int() would also take " 7", "1_000" and other scripts' digits.
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_ID = re.compile(r"[0-9]+")


def query_int(request: Request, name: str) -> int | None:
    """An optional whole-number query parameter; anything else is a 400."""
    raw = query_text(request, name)
    if not raw:
        return None
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise exceptions.ValidationError({name: [WHOLE_NUMBER]})
    value = int(raw)
    if not SMALLEST_INT <= value <= LARGEST_ID:
        raise exceptions.ValidationError(
            {name: [f"Enter a whole number between {SMALLEST_INT} and {LARGEST_ID}."]}
        )
    return value


def query_text(request: Request, name: str) -> str | None:
    """An optional free-text query parameter. PostgreSQL cannot hold a NUL
    character, so one is a 400 here rather than a 500 from the database."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if "\x00" in raw:
        raise exceptions.ValidationError({name: ["Remove the NUL (0x00) character."]})
    return raw


def query_choice(request: Request, name: str, choices: list[str]) -> str | None:
    """An optional query parameter that must be one of `choices`; anything else is a 400."""
    raw = query_text(request, name)
    if not raw:
        return None
    if raw not in choices:
        raise exceptions.ValidationError(
            {name: [f"{raw[:40]!r} is not a choice: choose one of {', '.join(choices)}."]}
        )
    return raw


def path_id(pk: str) -> int:
    """An object id from the URL. Ids are whole numbers that fit the database's
    64-bit ids: anything else names nothing."""
    if not _ID.fullmatch(pk):
        raise Http404("No such object")
    value = int(pk)
    if not 0 < value <= LARGEST_ID:
        raise Http404("No such object")
    return value
