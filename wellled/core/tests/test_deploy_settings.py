"""Use case: an operator deploys wellled in production mode.

`check --deploy` must be clean with the documented production variables, unsafe
configurations must refuse to start, and pages must carry the security headers.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

HOST = "wellled.example.nhs.uk"


def _audit_key_file(tmp_path: Path) -> Path:
    """A provisioned audit key, as `wellled audit-key create` writes it."""
    path = tmp_path / "keys" / "audit-key.json"
    if not path.exists():
        path.parent.mkdir(parents=True)
        body = {"version": 1, "key": secrets.token_hex(32), "keyed_from": 1}
        path.write_text(json.dumps({**body, "anchor_hash": "0" * 64}))
    return path


def _production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env: dict[str, str | None] = {
        # A clean environment: nothing from the developer's shell or the test run.
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "wellled.settings",
        "WELLLED_PRODUCTION": "true",
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "ALLOWED_HOSTS": HOST,
        # Nothing listens on port 1: `check` reads the database only where it may be
        # missing (the speak-up secret checks), so this stands for PostgreSQL.
        "DATABASE_URL": "postgres://wellled@127.0.0.1:1/wellled",
        "WELLLED_VAR_DIR": str(tmp_path / "var"),
        # Not connected to by `check`: production needs it for shared rate limits.
        "REDIS_URL": "redis://redis.invalid:6379/0",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "smtp.invalid",
        "WELLLED_SPEAKUP_PEPPER": secrets.token_urlsafe(32),
        "WELLLED_AUDIT_KEY_FILE": str(_audit_key_file(tmp_path)),
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        args, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _wellled(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("wellled")), *args]


def test_secret_key_fixture_is_64_characters(tmp_path: Path) -> None:
    assert len(_production_env(tmp_path)["SECRET_KEY"]) == 64


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _run(
        _wellled("check", "--deploy", "--fail-level", "WARNING"), _production_env(tmp_path)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "ERROR" not in output


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "shorter than 50 characters"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"WELLLED_REQUIRE_2FA": "false"}, "WELLLED_REQUIRE_2FA cannot be switched off"),
    ],
)
def test_unsafe_production_configuration_refuses_to_start(
    tmp_path: Path, overrides: dict[str, str | None], message: str
) -> None:
    result = _run(_wellled("check"), _production_env(tmp_path, **overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_without_redis_refuses_to_start(tmp_path: Path) -> None:
    """Rate limits kept per process would multiply with the number of processes."""
    result = _run(_wellled("check"), _production_env(tmp_path, REDIS_URL=None))
    assert result.returncode != 0
    assert "speakup.E004" in result.stderr and "REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "check_id", "message"),
    [
        ({"EMAIL_BACKEND": None}, "wellled.E001", "EMAIL_BACKEND is 'console'"),
        ({"EMAIL_BACKEND": "locmem"}, "wellled.E001", "EMAIL_BACKEND is 'locmem'"),
        ({"REDIS_URL": None}, "wellled.E002", "The cache is DatabaseCache, not Redis"),
        ({"REDIS_URL": None}, "wellled.E003", "The job queue is 'filesystem'"),
        (
            {"REDIS_URL": None, "CELERY_BROKER_URL": "redis://redis.invalid:6379/1"},
            "wellled.E002",
            "The cache is DatabaseCache, not Redis",
        ),
        ({"WELLLED_SPEAKUP_PEPPER": None}, "wellled.E004", "WELLLED_SPEAKUP_PEPPER is not set"),
        (
            {"DATABASE_URL": "sqlite:///{tmp}/wellled.sqlite3"},
            "wellled.E005",
            "The database is SQLite",
        ),
    ],
)
def test_production_refuses_an_embedded_default(
    tmp_path: Path, overrides: dict[str, str | None], check_id: str, message: str
) -> None:
    """Console email, no Redis, no pepper or SQLite: each stops the service with its
    reason, under `check --deploy` and every other command."""
    overrides = {k: v.format(tmp=tmp_path) if v else v for k, v in overrides.items()}
    env = _production_env(tmp_path, **overrides)
    for args in (["check", "--deploy"], ["check"]):
        result = _run(_wellled(*args), env)
        assert result.returncode != 0
        assert f"({check_id}) {message}" in result.stderr, result.stderr
        assert "ImproperlyConfigured" not in result.stderr


def test_the_embedded_defaults_are_fine_outside_production(tmp_path: Path) -> None:
    env = _production_env(
        tmp_path,
        WELLLED_PRODUCTION=None,
        EMAIL_BACKEND=None,
        REDIS_URL=None,
        WELLLED_SPEAKUP_PEPPER=None,
        DATABASE_URL=f"sqlite:///{tmp_path / 'wellled.sqlite3'}",
    )
    result = _run(_wellled("check"), env)
    assert result.returncode == 0, result.stderr
    assert "wellled.E0" not in result.stdout + result.stderr


def test_production_without_the_audit_key_refuses_to_start(tmp_path: Path) -> None:
    """Unsigned events could be rewritten by anyone with the database alone."""
    missing = str(tmp_path / "nowhere" / "audit-key.json")
    result = _run(_wellled("check"), _production_env(tmp_path, WELLLED_AUDIT_KEY_FILE=missing))
    assert result.returncode != 0
    assert "core.E101" in result.stderr and missing in result.stderr


def test_an_unreadable_audit_key_refuses_to_start(tmp_path: Path) -> None:
    broken = tmp_path / "audit-key.json"
    broken.write_text("not json")
    result = _run(_wellled("check"), _production_env(tmp_path, WELLLED_AUDIT_KEY_FILE=str(broken)))
    assert result.returncode != 0
    assert "core.E102" in result.stderr


def _production_security_settings(tmp_path: Path) -> dict[str, Any]:
    """The security settings wellled.settings computes in production mode."""
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_REDIRECT_EXEMPT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "X_FRAME_OPTIONS",
        "CONTENT_SECURITY_POLICY",
        "ALLOWED_HOSTS",
    ]
    script = (
        "import json; from wellled import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    result = _run([sys.executable, "-c", script], _production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.django_db
def test_pages_carry_the_security_headers_in_production(tmp_path: Path) -> None:
    production = _production_security_settings(tmp_path)
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    with override_settings(**production):
        client = Client()
        plain = client.get(reverse("core:accessibility"), HTTP_HOST=HOST)
        response = client.get(reverse("core:accessibility"), HTTP_HOST=HOST, secure=True)
        probe = client.get("/healthz", HTTP_HOST=HOST)

    # Plain HTTP is sent to HTTPS, except for the health probe.
    assert plain.status_code == 301
    assert plain["Location"].startswith(f"https://{HOST}/")
    assert probe.status_code == 200

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"

    csp = _csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    every_source = [source for sources in csp.values() for source in sources]
    assert "'unsafe-inline'" not in every_source
    assert "'unsafe-eval'" not in every_source
    # No other origin anywhere: only keywords and data: for images.
    assert all(s.startswith("'") or s == "data:" for s in every_source), every_source


@pytest.mark.django_db
def test_no_hsts_outside_production(client: Client) -> None:
    response = client.get(reverse("core:accessibility"), secure=True)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert response["X-Frame-Options"] == "DENY"


def test_each_development_database_has_its_own_audit_key(tmp_path: Path) -> None:
    """Demo databases sharing one data directory are not checked against another's key."""
    env = _production_env(tmp_path, WELLLED_PRODUCTION="false", WELLLED_AUDIT_KEY_FILE=None)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    script = (
        "from wellled import settings as s; "
        "print(s.WELLLED_AUDIT_KEY_FILE); print(s.WELLLED_AUDIT_CHECKPOINT_FILE)"
    )
    result = _run([sys.executable, "-c", script], env)
    assert result.returncode == 0, result.stderr
    key, checkpoints = result.stdout.strip().splitlines()[-2:]
    assert key == str(tmp_path / "demo.sqlite3.audit-key.json")
    assert checkpoints == str(tmp_path / "demo.sqlite3.audit-checkpoints.jsonl")
