"""`python -m bench.api_schema`: time the API's OpenAPI schema and its docs page.

Builds a fresh SQLite database in a temporary directory (or uses DATABASE_URL, which is
flushed first: never point it at real data) and measures, in one process:

- the floor: the smallest response the API gives, the docs page's init script
  (/api/v1/docs/?script), through the same middleware and authentication;
- before: drf-spectacular's own schema view, which builds the schema on every request;
- /api/v1/schema/ now: its first request (which builds it) and the requests after;
- what a browser fetches for the docs page: the page, its init script and the schema.

Each figure is the median of REPEATS requests after a warm-up, as a multiple of the
floor; the target is the schema within TARGET_RATIO times the floor. Exits 1 if missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

REPEATS = 7
BEFORE_REPEATS = 3
TARGET_RATIO = 10
SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"
JSON = "application/vnd.oai.openapi+json"


def _setup() -> None:
    var_dir = tempfile.mkdtemp(prefix="wellled-bench-schema-")
    os.environ.setdefault("WELLLED_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    os.environ["WELLLED_REQUIRE_2FA"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)


def _median_ms(request: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        request()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _per_request_schema(accept: str) -> Callable[[], object]:
    """drf-spectacular's own view, as /api/v1/schema/ was: built on every request."""
    from drf_spectacular.views import SpectacularAPIView
    from rest_framework.test import APIRequestFactory

    view = SpectacularAPIView.as_view()

    def get() -> object:
        response = view(APIRequestFactory().get(SCHEMA, HTTP_ACCEPT=accept))
        response.render()
        assert response.status_code == 200
        return response

    return get


def main() -> int:
    _setup()
    from django.test import Client

    from wellled.core.schema_view import forget_built_schemas

    client = Client()

    def get(url: str, **extra: str) -> Callable[[], object]:
        def request() -> object:
            response = client.get(url, **extra)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return request

    script = get(DOCS + "?script=")
    script()  # warm-up: the first request loads the URLconf and templates
    floor = _median_ms(script, REPEATS)
    figures: list[tuple[str, float]] = [
        (
            "before: schema built per request (YAML)",
            _median_ms(_per_request_schema("*/*"), BEFORE_REPEATS),
        ),
        (
            "before: schema built per request (JSON)",
            _median_ms(_per_request_schema(JSON), BEFORE_REPEATS),
        ),
    ]
    forget_built_schemas()
    started = time.perf_counter()
    get(SCHEMA)()
    figures.append(
        ("now: first schema request (builds it)", (time.perf_counter() - started) * 1000)
    )
    schema_yaml = _median_ms(get(SCHEMA), REPEATS)
    figures.append(("now: schema (YAML)", schema_yaml))
    schema_json = _median_ms(get(SCHEMA, HTTP_ACCEPT=JSON), REPEATS)
    figures.append(("now: schema (JSON)", schema_json))
    docs = _median_ms(get(DOCS), REPEATS)
    before_json = figures[1][1]
    figures.append(("before: docs page, its script and schema", docs + floor + before_json))
    figures.append(("now: docs page, its script and schema", docs + floor + schema_json))

    print(f"floor (docs init script): {floor:.1f} ms, median of {REPEATS}\n")
    print(f"{'request':<44} {'ms':>10} {'x floor':>9}")
    for label, ms in figures:
        print(f"{label:<44} {ms:>10.1f} {ms / floor:>9.1f}")
    worst = max(schema_yaml, schema_json) / floor
    ok = worst <= TARGET_RATIO
    print(f"\nschema within {TARGET_RATIO}x the floor: {'yes' if ok else 'NO'} ({worst:.1f}x)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
