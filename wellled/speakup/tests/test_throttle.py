"""Wrong codes are slowed and then refused; submissions are limited; the buckets
are keyed by a daily-rotated keyed hash and remember nobody."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from wellled.speakup import crypto, protection
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
@override_settings(
    WELLLED_SPEAKUP_FAILURE_DELAY_SECONDS=0.5, WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR=50
)
def test_wrong_codes_are_slowed_after_a_few(trust, monkeypatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(protection.time, "sleep", slept.append)
    client = Client(REMOTE_ADDR="192.0.2.30")
    for _ in range(6):
        client.post("/speak-up/anonymous/return/", {"code": WRONG})
    assert slept[:3] == [0.5, 2.0, 4.5]  # after the third failure: base x (n-3)^2
    for _ in range(10):
        client.post("/speak-up/anonymous/return/", {"code": WRONG})
    assert max(slept) <= 10


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
    store = protection._cache()
    assert store._cache, "a failure was counted"  # type: ignore[attr-defined]
    assert not any("192.0.2.60" in str(key) for key in store._cache)  # type: ignore[attr-defined]
    assert all(expiry is not None for expiry in store._expire_info.values())  # type: ignore[attr-defined]
    assert protection._window() <= 3600
