"""Wrong codes, submissions and requests are counted and then refused at once
(429, Retry-After), never slowed; the buckets are shared by every process in
production, keyed by a daily-rotated keyed hash, and remember nobody."""

from __future__ import annotations

import time

import pytest
from django.core.checks import Error, run_checks
from django.test import Client, override_settings

from wellled.core import throttle
from wellled.speakup import crypto
from wellled.speakup.checks import throttle_cache_is_shared
from wellled.speakup.tests.support import anonymous_concern, give_key

WRONG = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR=3)
def test_repeated_wrong_codes_are_refused_even_with_the_right_code_after(trust, guardian) -> None:
    give_key(guardian)
    code = anonymous_concern().code
    guesser = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        response = guesser.post("/speak-up/anonymous/return/", {"code": WRONG})
        assert response.status_code == 200
        assert "not recognised" in response.content.decode()
    response = guesser.post("/speak-up/anonymous/return/", {"code": code})
    assert response.status_code == 429
    assert "too many attempts" in response.content.decode().lower()
    # Someone else, elsewhere, is not held up.
    other = Client(REMOTE_ADDR="192.0.2.11")
    assert other.post("/speak-up/anonymous/return/", {"code": code}).status_code == 200


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR=2)
def test_the_api_shares_the_same_buckets(trust) -> None:
    client = Client(REMOTE_ADDR="192.0.2.20")
    url = "/api/v1/speak-up/anonymous/open/"
    for _ in range(2):
        response = client.post(url, {"code": WRONG}, content_type="application/json")
        assert response.status_code == 404
        assert response.json() == {"detail": "That code was not recognised."}
    assert client.post(url, {"code": WRONG}, content_type="application/json").status_code == 429
    # and the pages too
    assert client.post("/speak-up/anonymous/return/", {"code": WRONG}).status_code == 429


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR=4)
def test_wrong_codes_lock_out_at_once_and_never_wait(trust, monkeypatch) -> None:
    def no_sleeping(seconds: float) -> None:
        raise AssertionError(f"a request slept {seconds} s")

    monkeypatch.setattr(time, "sleep", no_sleeping)
    client = Client(REMOTE_ADDR="192.0.2.30")
    started = time.monotonic()
    for _ in range(4):
        assert client.post("/speak-up/anonymous/return/", {"code": WRONG}).status_code == 200
    refused = client.post("/speak-up/anonymous/return/", {"code": WRONG})
    assert time.monotonic() - started < 5
    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 0 < retry_after <= 3600
    assert "Wait " in refused.content.decode() and " minute" in refused.content.decode()
    api = client.post(
        "/api/v1/speak-up/anonymous/open/", {"code": WRONG}, content_type="application/json"
    )
    assert api.status_code == 429 and 0 < int(api["Retry-After"]) <= 3600
    assert api.json()["detail"].startswith("There have been too many attempts from here")


@pytest.mark.django_db
@override_settings(
    WELLLED_SPEAKUP_TRUST_X_FORWARDED_FOR=True, WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR=2
)
def test_behind_a_proxy_each_forwarded_client_has_its_own_bucket(trust) -> None:
    # Both come through the same proxy address; the proxy names each client.
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    for _ in range(2):
        first.post("/speak-up/anonymous/return/", {"code": WRONG})
    assert first.post("/speak-up/anonymous/return/", {"code": WRONG}).status_code == 429
    assert second.post("/speak-up/anonymous/return/", {"code": WRONG}).status_code == 200


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_REQUESTS_PER_HOUR=3)
def test_every_post_counts_even_refused_and_misshapen_ones(trust) -> None:
    client = Client(REMOTE_ADDR="192.0.2.35")
    for _ in range(3):
        assert client.post("/speak-up/anonymous/return/", {"code": ""}).status_code == 400
    refused = client.post("/speak-up/anonymous/return/", {"code": ""})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "too many attempts" in refused.content.decode().lower()
    api = client.post("/api/v1/speak-up/anonymous/concerns/", {"narrative": "x"})
    assert api.status_code == 429
    # Reading the pages is not counted.
    assert client.get("/speak-up/anonymous/return/").status_code == 200
    # Someone else is not held up.
    other = Client(REMOTE_ADDR="192.0.2.36")
    assert other.post("/speak-up/anonymous/return/", {"code": ""}).status_code == 400


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_SUBMISSIONS_PER_HOUR=2)
def test_submissions_are_limited_per_client(trust) -> None:
    client = Client(REMOTE_ADDR="192.0.2.40")
    for _ in range(2):
        assert "code" in client.post("/speak-up/anonymous/", {"narrative": "A concern"}).context
    response = client.post("/speak-up/anonymous/", {"narrative": "One more concern"})
    assert "too many attempts" in response.content.decode().lower()
    # Nothing typed is lost.
    assert "One more concern" in response.content.decode()
    api = client.post(
        "/api/v1/speak-up/anonymous/concerns/", {"narrative": "x"}, content_type="application/json"
    )
    assert api.status_code == 429


def test_the_bucket_tag_is_keyed_and_changes_every_day() -> None:
    first = crypto.daily_tag("192.0.2.50", "2026-11-25")
    assert first == crypto.daily_tag("192.0.2.50", "2026-11-25")
    assert first != crypto.daily_tag("192.0.2.50", "2026-11-26")
    assert first != crypto.daily_tag("192.0.2.51", "2026-11-25")
    assert "192.0.2.50" not in first
    with override_settings(SECRET_KEY="a different server secret entirely, fifty chars long"):
        assert crypto.daily_tag("192.0.2.50", "2026-11-25") != first


@pytest.mark.django_db
def test_buckets_expire_within_the_hour_and_hold_no_address(trust) -> None:
    client = Client(REMOTE_ADDR="192.0.2.60")
    client.post("/speak-up/anonymous/return/", {"code": WRONG})
    store = throttle.throttle_cache()
    assert store._cache, "a failure was counted"  # type: ignore[attr-defined]
    assert not any("192.0.2.60" in str(key) for key in store._cache)  # type: ignore[attr-defined]
    now = time.time()
    # An hour's window, and the few seconds django-ratelimit adds against misses.
    assert all(now < expiry <= now + 3600 + 5 for expiry in store._expire_info.values())  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_production_refuses_to_start_with_throttles_in_each_process() -> None:
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    database = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://r"}
    for backend in (locmem, database):
        with override_settings(PRODUCTION=True, CACHES={"default": locmem, "throttle": backend}):
            errors = throttle_cache_is_shared()
        assert [error.id for error in errors] == ["speakup.E004"]
        assert isinstance(errors[0], Error) and "REDIS_URL" in (errors[0].hint or "")
    with override_settings(PRODUCTION=True, CACHES={"default": locmem, "throttle": redis}):
        assert throttle_cache_is_shared() == []
    with override_settings(PRODUCTION=False, CACHES={"default": locmem, "throttle": locmem}):
        assert throttle_cache_is_shared() == []
    # Registered, so `check`, runserver and `wellled serve` refuse too.
    with override_settings(PRODUCTION=True, CACHES={"default": locmem, "throttle": locmem}):
        assert "speakup.E004" in {message.id for message in run_checks()}
