"""Use case: a developer reads the API's OpenAPI schema and its Swagger UI docs.

The docs must work under the site's strict CSP: every script and stylesheet from
our own origin (drf-spectacular-sidecar), nothing inline.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.test import APIRequestFactory, force_authenticate

from wellled.core.schema_view import forget_built_schemas
from wellled.core.testing import make_user

SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"


@pytest.mark.django_db
def test_schema_is_openapi_3_and_lists_the_organisation(client: Client) -> None:
    response = client.get(SCHEMA, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/units/", "/api/v1/staff/{id}/", "/api/v1/role-assignments/"]:
        assert path in schema["paths"]
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_generates_without_warnings() -> None:
    wellled = str(Path(sys.executable).with_name("wellled"))
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [wellled, "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr


@pytest.mark.django_db
def test_docs_page_has_nothing_inline_and_nothing_third_party(client: Client) -> None:
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    # Every script has a src, there is no <style> block and no style= attribute.
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert len(re.findall(r"<script\b", html)) == len(re.findall(r"<script src=\"/", html)) == 3
    # Everything comes from this site: no other origin at all.
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert '<html lang="en-GB">' in html


@pytest.mark.django_db
def test_docs_init_script_is_served_from_a_url(client: Client) -> None:
    response = client.get(DOCS, {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.django_db
def test_docs_assets_are_served_by_us(client: Client) -> None:
    html = client.get(DOCS).content.decode()
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("core/api-docs.css") for a in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()


# --- the schema is built once per process -------------------------------------------------------

JSON = "application/vnd.oai.openapi+json"


def per_request_schema(user: User | AnonymousUser, accept: str) -> bytes:
    """What drf-spectacular's own view builds for this user on every request."""
    request = APIRequestFactory().get(SCHEMA, HTTP_ACCEPT=accept)
    force_authenticate(request, user=user)
    response = SpectacularAPIView.as_view()(request)
    response.render()
    assert response.status_code == 200
    return bytes(response.content)


@pytest.mark.django_db
def test_the_schema_is_the_same_whoever_asks(
    client: Client, staff_member: User, governance_lead: User, trust_admin: User
) -> None:
    """One cached copy may serve everyone only because nobody's schema differs: built per
    request for an anonymous visitor, a member of staff, a governance lead and a superuser,
    it is the same bytes as the copy the schema URL serves, in both formats."""
    superuser = make_user("root_user", superuser=True)
    for accept in ("application/vnd.oai.openapi", JSON):
        served = client.get(SCHEMA, HTTP_ACCEPT=accept)
        assert served.status_code == 200
        for user in (AnonymousUser(), staff_member, governance_lead, trust_admin, superuser):
            assert per_request_schema(user, accept) == served.content, (accept, user)


@pytest.mark.django_db
def test_the_schema_is_built_once_and_then_served_as_it_is(
    client: Client, staff_member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    forget_built_schemas()
    built = []
    original = SchemaGenerator.get_schema

    def counting(self: SchemaGenerator, *args: Any, **kwargs: Any) -> Any:
        built.append(kwargs.get("request"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    first = client.get(SCHEMA)
    client.force_login(staff_member)
    again = client.get(SCHEMA)
    as_json = client.get(SCHEMA, HTTP_ACCEPT=JSON)
    assert built == [None]  # once, and for no particular requester
    assert first.content == again.content and first["Content-Type"] == again["Content-Type"]
    assert first["Content-Type"].startswith("application/vnd.oai.openapi")
    assert 'filename="wellled API.yaml"' in first["Content-Disposition"]
    assert as_json.json()["info"]["title"] == "wellled API"
    assert len(built) == 1


@pytest.mark.django_db
def test_a_named_version_or_accept_parameters_are_still_answered(client: Client) -> None:
    versioned = client.get(SCHEMA, {"version": "2"}, HTTP_ACCEPT=JSON)
    assert versioned.json()["info"]["version"] == "1 (2)"  # built for that version
    assert client.get(SCHEMA, HTTP_ACCEPT=JSON).json()["info"]["version"] == "1"
    indented = client.get(SCHEMA, HTTP_ACCEPT=f"{JSON}; indent=1")
    assert indented.status_code == 200
    assert indented.content == per_request_schema(AnonymousUser(), f"{JSON}; indent=1")
