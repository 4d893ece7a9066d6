"""Fixtures for the whole suite: a small trust and a persona for every role."""

from __future__ import annotations

import pytest
from django.conf import settings

from wellled.celery import app as celery_app
from wellled.core.testing import PERSONAS, Trust, add_personas, build_trust

# browser and page_as, for browser tests in any app.
pytest_plugins = ["tests.browser.fixtures"]

# Jobs run inline in tests, and passwords hash fast.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# client_for() personas have no authenticator app; the accounts tests turn two-factor
# enforcement on with override_settings(WELLLED_REQUIRE_2FA=True) where it is tested.
settings.WELLLED_REQUIRE_2FA = False
# Rate limits in each test process's own memory: with Redis (the PostgreSQL pass in
# CI) the two test processes, and earlier runs the same day, would share buckets.
settings.CACHES = {
    **settings.CACHES,
    "speakup": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "wellled-speakup-tests",
    },
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "wellled-throttle-tests",
    },
}
# Speak-up key derivation at its cheapest: the tests check behaviour, bench/ the cost.
settings.WELLLED_SPEAKUP_ARGON2_OPSLIMIT = 1
settings.WELLLED_SPEAKUP_ARGON2_MEMLIMIT = 8192


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no submissions or wrong codes counted against it."""
    from django.core.cache import caches

    caches["throttle"].clear()
    caches["speakup"].clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files written by tests never land in the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _speakup_epoch_keys_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test has its own epoch key store, as it has its own database."""
    settings.WELLLED_SPEAKUP_EPOCH_KEY_DIR = tmp_path_factory.mktemp("epoch-keys")


@pytest.fixture(autouse=True)
def _audit_key_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test has its own audit key and checkpoints, as it has its own database."""
    folder = tmp_path_factory.mktemp("audit-key")
    settings.WELLLED_AUDIT_KEY_FILE = folder / "audit-key.json"
    settings.WELLLED_AUDIT_CHECKPOINT_FILE = folder / "audit-checkpoints.jsonl"


@pytest.fixture
def trust(db: None) -> Trust:
    return add_personas(build_trust())


def _persona_fixture(name: str):  # type: ignore[no-untyped-def]
    @pytest.fixture(name=name)
    def fixture(trust: Trust):  # type: ignore[no-untyped-def]
        return trust.people[name]

    return fixture


for _name in [*PERSONAS, "operator"]:
    globals()[_name] = _persona_fixture(_name)


@pytest.fixture
def client_for(client, trust):  # type: ignore[no-untyped-def]
    """client_for("guardian") logs the test client in as that persona."""

    def login(name: str):  # type: ignore[no-untyped-def]
        client.force_login(trust.people[name])
        return client

    return login


@pytest.fixture
def api_for(trust):  # type: ignore[no-untyped-def]
    """api_for("guardian"): a DRF APIClient sending that persona's API token."""
    from rest_framework.test import APIClient

    from wellled.accounts.actions import issue_api_token

    def make(name: str):  # type: ignore[no-untyped-def]
        token, _ = issue_api_token(acting_user=None, user=trust.people[name])
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return make
