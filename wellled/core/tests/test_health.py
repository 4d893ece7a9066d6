"""Use case: a load balancer or container probe asks whether this instance is healthy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


def _get(client: Client) -> tuple[int, dict]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


@pytest.mark.django_db
def test_healthy_instance_answers_200_without_login(client: Client) -> None:
    status, body = _get(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert isinstance(check["ms"], int | float)
    # The suite runs with the embedded broker and, in CI's second pass, with Redis.
    expected = settings.CELERY_BROKER_URL.split(":", 1)[0]
    assert body["checks"]["broker"]["transport"] == expected


@pytest.mark.django_db
def test_probes_never_get_a_cached_answer(client: Client) -> None:
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_only_reads_are_allowed(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_unreachable_broker_is_503_naming_the_broker(client: Client) -> None:
    with override_settings(CELERY_BROKER_URL=CLOSED_PORT_URL):
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    # Nothing about where the broker lives is given away.
    text = response.content.decode()
    assert "127.0.0.1" not in text and "redis://" not in text


@pytest.mark.django_db
def test_missing_queue_folder_fails_the_embedded_broker(client: Client, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-queue"
    options = {"data_folder_in": str(missing), "data_folder_out": str(missing)}
    with override_settings(
        CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options
    ):
        status, body = _get(client)
    assert status == 503
    broker = body["checks"]["broker"]
    assert broker["status"] == "fail"
    assert "queue folder does not exist" in broker["reason"]
    assert str(tmp_path) not in json.dumps(body)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
@pytest.mark.django_db
def test_read_only_queue_folder_fails_the_embedded_broker(client: Client, tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    try:
        with override_settings(
            CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options
        ):
            status, body = _get(client)
    finally:
        tmp_path.chmod(0o700)
    assert status == 503
    assert body["checks"]["broker"]["error"] == "PermissionError"


@pytest.mark.django_db
def test_redis_cache_and_broker_pass_when_redis_is_up(client: Client) -> None:
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
        }
    }
    with override_settings(CACHES=caches, CELERY_BROKER_URL=REDIS_TEST_URL):
        status, body = _get(client)
    assert status == 200, body
    assert body["checks"]["broker"]["transport"] == "redis"


@pytest.mark.django_db
def test_unreachable_redis_cache_is_503_naming_the_cache(client: Client) -> None:
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_URL,
        }
    }
    with override_settings(CACHES=caches):
        status, body = _get(client)
    assert status == 503
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "ok"


def _healthz_in_subprocess(tmp_path: Path, **env: str) -> tuple[int, dict]:
    """Start wellled from its environment, as a deployment does, and ask /healthz."""
    script = (
        "import json, django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(json.dumps([r.status_code, r.json()]))"
    )
    base = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "wellled.settings",
        "WELLLED_VAR_DIR": str(tmp_path / "var"),
        # SELECT 1 needs a database, not tables.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    return status, body


def test_redis_url_alone_configures_a_healthy_cache_and_broker(tmp_path: Path) -> None:
    status, body = _healthz_in_subprocess(tmp_path, REDIS_URL=REDIS_TEST_URL)
    assert status == 200, body
    assert body["checks"]["broker"]["transport"] == "redis"


def test_redis_url_pointing_nowhere_is_503(tmp_path: Path) -> None:
    status, body = _healthz_in_subprocess(tmp_path, REDIS_URL=CLOSED_PORT_URL)
    assert status == 503
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"


def test_an_unknown_api_address_answers_json_not_a_page(client) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such API address."}
