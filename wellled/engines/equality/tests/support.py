"""Helpers for the equality engine's tests."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def known(value: T | None) -> T:
    """The value, asserting it is there (the engine returns None for insufficient data)."""
    assert value is not None
    return value
