"""What can raise an action: each module registers its kinds of source here.

A source is the thing an action answers: a complaint issue's learning, an
inspection finding, a quality statement in a self-assessment round, and later a
walkround, an equality indicator, a strategic objective, a co-production
commitment. The module that owns the thing registers a `SourceType` in its
AppConfig.ready() (docs/improvement.md, "Adding a new source of actions"):

    sources.register(SourceType(
        kind="complaint_learning",
        label="Complaint learning",
        describe=describe_issues,        # ids -> SourceInfo, in one query
        may_raise=may_raise_for_issue,   # (user, id) -> bool
        evidence_required=True,
    ))

The improvement app never imports the modules that feed it: it asks the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from wellled.core.types import AnyUser


@dataclass(frozen=True)
class SourceInfo:
    """What an action's page and lists say about its source."""

    label: str  # e.g. "Complaint C-2026-0142, issue 2: communication"
    href: str  # the source's own page ("" if it has none the reader may open)
    unit_id: int  # the part of the trust the source belongs to
    statement_ids: tuple[str, ...] = ()  # quality statements its evidence supports


@dataclass(frozen=True)
class SourceType:
    kind: str
    label: str
    describe: Callable[[Sequence[str]], dict[str, SourceInfo]]
    may_raise: Callable[[AnyUser, str], bool]
    # Completing an action from this source needs evidence in the library.
    evidence_required: bool = True
    # The role that signs actions from this source off by default ("" for none).
    sign_off_role: str = ""
    # Whether a person may open the source's own page: its link is shown only then,
    # so no one follows a link to a refusal.
    opens_for: Callable[[AnyUser], bool] = field(default=lambda user: True, compare=False)
    # The module's own rights over its actions, held over the action's unit: those
    # who read the source read its actions (`viewers`), and those who manage the
    # source update them (`managers`), as they did before the loop was shared. A
    # capability value (wellled.organisation.access.Cap), or "" for none.
    viewers: str = ""
    managers: str = ""


_TYPES: dict[str, SourceType] = {}
_LISTENERS: list[Callable[[SourceType], None]] = []


def register(source_type: SourceType, *, announce: bool = True) -> None:
    """Register a kind of source (`announce=False`: without its measures, for tests)."""
    existing = _TYPES.get(source_type.kind)
    if existing is not None and existing != source_type:
        raise ValueError(f"action source {source_type.kind!r} is registered twice")
    if existing is None:
        _TYPES[source_type.kind] = source_type
        for listener in _LISTENERS if announce else ():
            listener(source_type)


def on_register(listener: Callable[[SourceType], None]) -> None:
    """Call `listener` for every kind registered from now on (the measures use it)."""
    _LISTENERS.append(listener)


def unregister(kind: str) -> None:
    """For tests that register a source of their own."""
    _TYPES.pop(kind, None)


def get(kind: str) -> SourceType | None:
    return _TYPES.get(kind)


def all_types() -> list[SourceType]:
    return sorted(_TYPES.values(), key=lambda t: t.label)


def describe(
    pairs: Iterable[tuple[str, str]], user: AnyUser | None = None
) -> dict[tuple[str, str], SourceInfo]:
    """SourceInfo for many (kind, id) pairs: one call per kind, not per action. Given
    the reader, a link they may not open is left out."""
    by_kind: dict[str, list[str]] = {}
    for kind, source_id in pairs:
        by_kind.setdefault(kind, []).append(source_id)
    found: dict[tuple[str, str], SourceInfo] = {}
    for kind, ids in by_kind.items():
        source_type = _TYPES.get(kind)
        if source_type is None:
            continue
        hide_links = user is not None and not source_type.opens_for(user)
        for source_id, info in source_type.describe(sorted(set(ids))).items():
            found[(kind, source_id)] = replace(info, href="") if hide_links else info
    return found
