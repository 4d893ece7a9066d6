"""The 15 Steps-style checklist, as versioned data (`data/checklists.json`).

A visit stores the version it was recorded against and an answer per item key, so
a later version (items added, reworded or dropped) never changes what an earlier
visit recorded. A new version is a new entry in the file, never an edit of one in
use; `CURRENT` is the highest.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

ANSWERS: dict[str, str] = {
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
    "not_seen": "Not seen",
}


@dataclass(frozen=True)
class Item:
    key: str
    theme: str
    text: str


@dataclass(frozen=True)
class Checklist:
    version: int
    name: str
    items: tuple[Item, ...]


@functools.cache
def _all() -> dict[int, Checklist]:
    raw = json.loads((Path(__file__).parent / "data" / "checklists.json").read_text("utf-8"))
    return {
        entry["version"]: Checklist(
            version=entry["version"],
            name=entry["name"],
            items=tuple(Item(**item) for item in entry["items"]),
        )
        for entry in raw["versions"]
    }


def get(version: int) -> Checklist | None:
    return _all().get(version)


def current() -> Checklist:
    checklists = _all()
    return checklists[max(checklists)]
