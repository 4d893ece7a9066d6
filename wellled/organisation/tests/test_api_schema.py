"""Use case: a developer reads the API's OpenAPI schema and its Swagger UI docs.

The docs must work under the site's strict CSP: every script and stylesheet from
our own origin (drf-spectacular-sidecar), nothing inline.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

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
