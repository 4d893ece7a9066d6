"""Speak-up tests derive keys with the cheapest Argon2id parameters, and start
with empty rate-limit buckets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from wellled.core import throttle


@pytest.fixture(autouse=True)
def fast_speakup() -> Iterator[None]:
    with override_settings(
        WELLLED_SPEAKUP_ARGON2_OPSLIMIT=1,
        WELLLED_SPEAKUP_ARGON2_MEMLIMIT=8192,
    ):
        throttle.reset_buckets()
        yield
        throttle.reset_buckets()
