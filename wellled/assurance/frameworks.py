"""The CQC frameworks as versioned reference data, read from the ratings engine.

The engine's JSON (`wellled/engines/ratings/frameworks/`) is the one source: this
module only presents it to pages, the API and the actions, and turns an unknown
framework version into a ValidationError a user can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from wellled.engines.ratings import (
    Methodology,
    QualityStatement,
    UnknownMethodologyError,
    get_methodology,
    methodologies,
)

TRUST_KEY_QUESTIONS = ("well-led",)
WELL_LED = "well-led"


@dataclass(frozen=True)
class ScorePoint:
    score: int
    meaning: str


@dataclass(frozen=True)
class BandView:
    rating: str
    low: int
    high: int


def framework_ids() -> tuple[str, ...]:
    return methodologies()


def get_framework(methodology_id: str, *, field: str = "methodology") -> Methodology:
    """The methodology, or a ValidationError naming the known versions."""
    try:
        return get_methodology(methodology_id)
    except UnknownMethodologyError:
        known = ", ".join(methodologies())
        raise ValidationError(
            {field: f"Unknown framework version {methodology_id!r}. Use one of: {known}."}
        ) from None


def is_scored(methodology: Methodology) -> bool:
    """Whether key questions are scored from statement scores (not judgement alone)."""
    return methodology.key_question_scoring is not None


def scored_framework_ids() -> tuple[str, ...]:
    return tuple(m for m in methodologies() if is_scored(get_methodology(m)))


def self_assessment_framework_ids() -> tuple[str, ...]:
    """Versions a round may use: scored ones, and those judged against characteristics."""
    return tuple(
        m for m in methodologies() if is_scored(get_methodology(m)) or get_methodology(m).judged
    )


def score_scale(methodology: Methodology) -> list[ScorePoint]:
    rows = methodology.data.get("score_scale") or []
    return [ScorePoint(int(row["score"]), str(row["meaning"])) for row in rows]


def score_meaning(methodology: Methodology, score: int | None) -> str:
    for point in score_scale(methodology):
        if point.score == score:
            return point.meaning
    return ""


def bands(methodology: Methodology) -> list[BandView]:
    return [BandView(str(b.rating), b.low, b.high) for b in methodology.bands]


def statement(methodology: Methodology, statement_id: str) -> QualityStatement | None:
    for kq in methodology.key_questions:
        for item in kq.statements:
            if item.id == statement_id:
                return item
    return None


def all_statements(methodology: Methodology) -> list[QualityStatement]:
    return [item for kq in methodology.key_questions for item in kq.statements]


def statement_label(methodology: Methodology, statement_id: str) -> str:
    item = statement(methodology, statement_id)
    if item is None:
        return statement_id
    return f"{item.label} {item.name}"


def key_question_name(methodology: Methodology, key_question_id: str) -> str:
    for kq in methodology.key_questions:
        if kq.id == key_question_id:
            return kq.name
    return key_question_id


def evidence_framework_methodology() -> Methodology:
    """The methodology whose statements the evidence library is tagged against."""
    return get_methodology("saf_2024_statements")


# Frameworks judged against rating characteristics (CQC's 2026 sector drafts) ------


@dataclass(frozen=True)
class CharacteristicLevel:
    rating: str
    bullets: list[str]
    status: str  # where the bullets come from, or that the text is not yet available


@dataclass(frozen=True)
class AssessmentQuestion:
    id: str
    label: str
    name: str
    question: str
    scope: list[str]
    levels: list[CharacteristicLevel]
    # The SAF quality statements whose evidence carries over (wellled's inference).
    maps_from: list[str]


@dataclass(frozen=True)
class JudgedKeyQuestion:
    id: str
    name: str
    status: str
    questions: list[AssessmentQuestion]


def is_judged(methodology: Methodology) -> bool:
    return methodology.judged


def mapping_note(methodology: Methodology) -> str:
    return str(methodology.content.get("mapping", {}).get("status", ""))


def assessment_question(methodology: Methodology, question_id: str) -> AssessmentQuestion:
    item = methodology.statement_data(question_id)
    saf = evidence_framework_methodology()
    return AssessmentQuestion(
        id=item["id"],
        label=item["label"],
        name=item["name"],
        question=item.get("we_statement") or "",
        scope=list(item.get("scope", [])),
        levels=[
            CharacteristicLevel(rating, list(level["bullets"]), str(level["status"]))
            for rating, level in item.get("characteristics", {}).items()
        ],
        maps_from=[statement_label(saf, sid) for sid in methodology.mapped_from(question_id)],
    )


def judged_key_questions(methodology: Methodology) -> list[JudgedKeyQuestion]:
    return [
        JudgedKeyQuestion(
            id=kq["id"],
            name=kq["name"],
            status=str(kq.get("kloes_status", "")),
            questions=[assessment_question(methodology, item["id"]) for item in kq["statements"]],
        )
        for kq in methodology.content.get("key_questions", [])
    ]
