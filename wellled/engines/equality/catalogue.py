"""Every indicator and metric, keyed by (standard, number, version)."""

from __future__ import annotations

from . import wdes, wres
from .indicators import Indicator, UnknownIndicatorError

INDICATORS: dict[tuple[str, str, str], Indicator] = {
    indicator.key: indicator for indicator in (*wres.INDICATORS, *wdes.METRICS)
}
LATEST = {"WRES": wres.VERSION, "WDES": wdes.VERSION}


def get_indicator(standard: str, number: str | int, version: str | None = None) -> Indicator:
    """An indicator by its official number; the latest version unless one is named."""
    key = (standard.upper(), str(number), version or LATEST.get(standard.upper(), ""))
    try:
        return INDICATORS[key]
    except KeyError:
        known = ", ".join(f"{s} {n} ({v})" for s, n, v in INDICATORS)
        raise UnknownIndicatorError(f"no indicator {key}; known: {known}") from None
