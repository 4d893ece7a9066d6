"""Methodologies as data: each is a JSON file in `frameworks/`, read with the standard library.

A methodology file names its framework content (`frameworks/content/<id>.json`: key
questions, quality statements, "we statements", evidence categories) and carries its
rules: score scale, bands, rounding, unassessed statements, limiters and aggregation
principles, each with its status and sources. A new methodology is a new file here; a new
kind of rule is a small function in scoring.py or aggregation.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from .model import Rating, RatingsError, Rounding, UnknownMethodologyError

DEFAULT_METHODOLOGY = "saf_2024_statements"


def _data_dir() -> Traversable:
    return resources.files("wellled.engines.ratings") / "frameworks"


@dataclass(frozen=True)
class QualityStatement:
    id: str
    label: str
    name: str
    key_question: str
    we_statement: str | None


@dataclass(frozen=True)
class KeyQuestion:
    id: str
    name: str
    statements: tuple[QualityStatement, ...]

    @property
    def statement_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.statements)


@dataclass(frozen=True)
class Band:
    rating: Rating
    low: int
    high: int


@dataclass(frozen=True)
class LimiterRule:
    name: str
    cap: Rating
    trigger: str  # "declared" (a fact the caller states) or "any_statement_scored_1"
    reason: str
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Threshold:
    low: int
    high: int | None
    minimum: int

    def covers(self, count: int) -> bool:
        return self.low <= count and (self.high is None or count <= self.high)


@dataclass(frozen=True)
class Principles:
    """One set of aggregation principles: how many of each rating decide the aggregate."""

    name: str
    title: str
    expected_keys: tuple[str, ...] | None
    outstanding_min: tuple[Threshold, ...]
    requires_improvement_min: tuple[Threshold, ...]
    inadequate_min: tuple[Threshold, ...]
    rules_text: tuple[str, ...]
    gap_note: str
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Methodology:
    id: str
    title: str
    framework: str
    statement_scoring: str | None
    key_question_scoring: str | None
    key_questions: tuple[KeyQuestion, ...]
    evidence_categories: Mapping[str, str]
    bands: tuple[Band, ...]
    default_rounding: Rounding
    implied_scores: Mapping[Rating, int]
    limiters: Mapping[str, LimiterRule]
    default_principles: str
    principles: Mapping[str, Principles]
    data: Mapping[str, Any]
    # The framework content file as read (key questions, statements or assessment
    # questions with their scope, rating characteristics and mapping).
    content: Mapping[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """ "draft" or "final": a draft framework is replaced by a final one as data."""
        return str(self.data.get("status", "final"))

    @property
    def judged(self) -> bool:
        """Key questions are judged against rating characteristics, with no scores."""
        return self.data.get("key_question_judgement") == "characteristics"

    def statement_data(self, statement_id: str) -> Mapping[str, Any]:
        """The content file's entry for a statement or assessment question ({} if none)."""
        for kq in self.content.get("key_questions", []):
            for item in kq["statements"]:
                if item["id"] == statement_id:
                    return dict(item)
        return {}

    def mapped_from(self, statement_id: str) -> tuple[str, ...]:
        """The earlier framework's statement ids this one's evidence carries over from."""
        return tuple(self.statement_data(statement_id).get("maps_from", ()))

    def key_question(self, key_question_id: str) -> KeyQuestion:
        for kq in self.key_questions:
            if kq.id == key_question_id:
                return kq
        known = ", ".join(kq.id for kq in self.key_questions)
        raise RatingsError(
            f"Unknown key question {key_question_id!r} in {self.id}: use one of {known}."
        )

    def key_question_of(self, statement_id: str) -> KeyQuestion | None:
        for kq in self.key_questions:
            if statement_id in kq.statement_ids:
                return kq
        return None

    def band_for(self, percentage: int) -> Rating:
        for band in self.bands:
            if band.low <= percentage <= band.high:
                return band.rating
        raise RatingsError(f"{percentage}% is outside every band of {self.id}.")

    def source_urls(self, keys: Iterable[str]) -> tuple[str, ...]:
        sources: Mapping[str, str] = self.data.get("sources", {})
        return tuple(sources.get(key, key) for key in keys)

    def rule(self, *path: str) -> Any:
        """A raw entry of the methodology file, e.g. rule("rounding", "status")."""
        node: Any = self.data
        for key in path:
            node = node[key]
        return node


def methodologies() -> tuple[str, ...]:
    """The ids of every methodology shipped in `frameworks/`."""
    return tuple(
        sorted(
            entry.name.removesuffix(".json")
            for entry in _data_dir().iterdir()
            if entry.is_file() and entry.name.endswith(".json")
        )
    )


@cache
def get_methodology(methodology_id: str) -> Methodology:
    """Load a methodology by id; an unknown id raises an error listing the known ones."""
    known = methodologies()
    if methodology_id not in known:
        raise UnknownMethodologyError(
            f"Unknown methodology {methodology_id!r}. Known methodologies: {', '.join(known)}."
        )
    data = _read_json(_data_dir() / f"{methodology_id}.json")
    content = _read_json(_data_dir() / "content" / f"{data['framework']}.json")
    return _build(data, content)


def _read_json(path: Traversable) -> dict[str, Any]:
    with path.open("r", encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _build(data: Mapping[str, Any], content: Mapping[str, Any]) -> Methodology:
    aggregation = data.get("aggregation", {})
    unassessed = data.get("unassessed_statements", {})
    return Methodology(
        id=data["id"],
        title=data["title"],
        framework=data["framework"],
        statement_scoring=data.get("statement_scoring"),
        key_question_scoring=data.get("key_question_scoring"),
        key_questions=_key_questions(data, content),
        evidence_categories={c["id"]: c["name"] for c in content.get("evidence_categories", [])},
        bands=tuple(
            Band(Rating.parse(b["rating"]), int(b["from"]), int(b["to"]))
            for b in data.get("bands", {}).get("ranges", [])
        ),
        default_rounding=Rounding.parse(data["rounding"]["default"]),
        implied_scores={
            Rating.parse(word): int(score)
            for word, score in unassessed.get("implied_scores", {}).items()
        },
        limiters=_limiters(data.get("limiters", {})),
        default_principles=aggregation.get("default", ""),
        principles=_all_principles(aggregation.get("principles", {})),
        data=data,
        content=content,
    )


def _key_questions(data: Mapping[str, Any], content: Mapping[str, Any]) -> tuple[KeyQuestion, ...]:
    """The framework's key questions and their statements, whose ids must be unique."""
    key_questions = tuple(
        KeyQuestion(
            id=kq["id"],
            name=kq["name"],
            statements=tuple(
                QualityStatement(
                    id=s["id"],
                    label=s["label"],
                    name=s["name"],
                    key_question=kq["id"],
                    we_statement=s.get("we_statement"),
                )
                for s in kq["statements"]
            ),
        )
        for kq in content["key_questions"]
    )
    ids = [s.id for kq in key_questions for s in kq.statements]
    if len(ids) != len(set(ids)):
        raise RatingsError(f"{data['id']}: statement ids must be unique across the framework.")
    return key_questions


def _limiters(rules: Mapping[str, Mapping[str, Any]]) -> dict[str, LimiterRule]:
    return {
        name: LimiterRule(
            name=name,
            cap=Rating.parse(rule["cap"]),
            trigger=rule["trigger"],
            reason=rule["reason"],
            status=rule["status"],
            sources=tuple(rule["sources"]),
        )
        for name, rule in rules.items()
    }


def _all_principles(named: Mapping[str, Mapping[str, Any]]) -> dict[str, Principles]:
    return {
        name: Principles(
            name=name,
            title=p["title"],
            expected_keys=tuple(p["expected_keys"]) if p.get("expected_keys") else None,
            outstanding_min=_thresholds(p["outstanding_min"]),
            requires_improvement_min=_thresholds(p["requires_improvement_min"]),
            inadequate_min=_thresholds(p["inadequate_min"]),
            rules_text=tuple(p["rules_text"]),
            gap_note=p["gap_note"],
            status=p["status"],
            sources=tuple(p["sources"]),
        )
        for name, p in named.items()
    }


def _thresholds(rows: Iterable[Mapping[str, Any]]) -> tuple[Threshold, ...]:
    return tuple(Threshold(int(r["from"]), r["to"], int(r["min"])) for r in rows)
