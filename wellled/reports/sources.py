"""Metric sources that modules register: the bridge from casework to the IPR.

A module that measures something (complaints timeliness, speak-up volumes,
learning read rates) registers a source in its AppConfig.ready():

    from wellled.reports.sources import MetricSource, register_source

    register_source(MetricSource(
        key="complaints.responded_by_agreed_date",
        title="Complaints answered by the agreed date",
        definition="Responses sent in the month ... ÷ responses due in the month",
        unit="%",
        improvement="increase",
        frequency="monthly",
        domain="well-led",
        compute=responded_by_agreed_date,
    ))

`compute(start, end, unit)` returns one (period start date, value) pair per
period from `start` to `end` inclusive, in order, with None for a period that
has no value (no denominator, say). `unit` narrows the figures to an
organisation unit and everything below it (None: the whole trust). Values are
aggregates only: a source never returns anything that identifies a person.

A metric in the catalogue whose source is "registered" names its key here; the
reports app computes its values on demand, so they are never stale.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from wellled.organisation.models import OrgUnit

Period = tuple[datetime.date, float | None]
Compute = Callable[[datetime.date, datetime.date, "OrgUnit | None"], list[Period]]


@dataclass(frozen=True)
class MetricSource:
    key: str
    title: str
    definition: str
    unit: str  # "%", "count", "days" ...
    improvement: Literal["increase", "decrease", "neither"]
    frequency: Literal["weekly", "monthly"]
    domain: str  # a reports domain: "well-led", "safe", "people" ...
    compute: Compute


_SOURCES: dict[str, MetricSource] = {}


def register_source(source: MetricSource) -> None:
    existing = _SOURCES.get(source.key)
    if existing is not None and existing != source:
        raise ValueError(f"metric source {source.key!r} is registered twice")
    _SOURCES[source.key] = source


def get_source(key: str) -> MetricSource:
    """The registered source, or KeyError naming the unknown key."""
    try:
        return _SOURCES[key]
    except KeyError:
        raise KeyError(f"no metric source is registered as {key!r}") from None


def all_sources() -> list[MetricSource]:
    return sorted(_SOURCES.values(), key=lambda source: source.key)
