"""Every write of the Board Assurance Framework: principal risks and their re-scoring
(each kept as history), controls and assurances, the board's risk appetite per
category, and the likelihood and consequence descriptor tables (docs/strategy.md).
Sources: /work/shared/reference/governance-and-involvement.md §2.1-§2.4."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from wellled.core import audit
from wellled.reports.models import Metric
from wellled.strategy import matrix
from wellled.strategy.models import (
    AppetiteLevel,
    AssuranceRating,
    AssuranceSource,
    Axis,
    Control,
    Descriptor,
    Line,
    Objective,
    PrincipalRisk,
    RiskAppetite,
    RiskCategory,
    RiskScore,
)

SCORE_FIELDS = ("inherent", "current", "target")
TEXT_FIELDS = ("title", "cause", "event", "effect", "committee")


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_scores(
    values: dict[str, Any], errors: dict[str, str], which: tuple[str, ...] = SCORE_FIELDS
) -> None:
    for name in (f"{w}_{a}" for w in which for a in ("likelihood", "consequence")):
        if values.get(name) not in range(1, 6):
            label = name.replace("_", " ")
            errors[name] = f"Enter a {label} from 1 to 5"
    if errors:
        return
    current = values["current_likelihood"] * values["current_consequence"]
    target = values["target_likelihood"] * values["target_consequence"]
    if target > current and not str(values.get("target_reason", "")).strip():
        errors["target_reason"] = (
            f"The target score ({target}) is worse than the current one ({current}): say why"
        )


def _check_review_date(day: datetime.date | None, errors: dict[str, str]) -> None:
    if day is None:
        errors["next_review_on"] = "Enter the date of the next review"
    elif day < timezone.localdate():
        errors["next_review_on"] = "The next review date must be today or in the future"


def _check_described(values: dict[str, Any], errors: dict[str, str]) -> None:
    for name in TEXT_FIELDS:
        if not str(values.get(name) or "").strip():
            errors[name] = f"Enter the {name}"
    if values.get("objective") is None:
        errors["objective"] = "Choose the strategic objective the risk threatens"
    if values.get("owner") is None:
        errors["owner"] = "Choose the executive owner"
    if values.get("category") not in RiskCategory.values:
        errors["category"] = "Choose the risk category"
    if values.get("assurance_rating") not in AssuranceRating.values:
        errors["assurance_rating"] = "Choose the assurance rating"


def _record_score(risk: PrincipalRisk, *, by: User | None, reason: str) -> RiskScore:
    return RiskScore.objects.create(
        risk=risk,
        likelihood=risk.current_likelihood,
        consequence=risk.current_consequence,
        target_likelihood=risk.target_likelihood,
        target_consequence=risk.target_consequence,
        reason=reason,
        by=by,
        scored_on=risk.reviewed_on,
    )


@transaction.atomic
def create_principal_risk(
    *,
    acting_user: User | None,
    reference: str,
    objective: Objective | None,
    owner: User | None,
    reviewed_on: datetime.date | None = None,
    next_review_on: datetime.date | None = None,
    category: str = RiskCategory.QUALITY,
    metrics: list[Metric] | None = None,
    **values: Any,
) -> PrincipalRisk:
    """A principal risk on the BAF: `title`, `cause`, `event`, `effect`, `committee`,
    `assurance_rating`, and scores as `<inherent|current|target>_<likelihood|consequence>`
    (reference §2.1: each 1-5), with `target_reason` when the target is worse than current.
    Its first scoring starts the risk's score history."""
    errors: dict[str, str] = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = "Enter the reference, for example SR1"
    elif PrincipalRisk.objects.filter(reference=reference).exists():
        errors["reference"] = f"{reference} is already on the BAF"
    _check_described(
        {**values, "objective": objective, "owner": owner, "category": category}, errors
    )
    _check_scores(values, errors)
    if next_review_on is not None:
        _check_review_date(next_review_on, errors)
    _refuse(errors)
    assert objective is not None and owner is not None  # refused above when missing
    for which in SCORE_FIELDS:
        matrix.score(values[f"{which}_likelihood"], values[f"{which}_consequence"])
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    risk = PrincipalRisk.objects.create(
        reference=reference,
        objective=objective,
        owner=owner,
        category=category,
        reviewed_on=reviewed_on or timezone.localdate(),
        next_review_on=next_review_on,
        **fields,
    )
    risk.metrics.set(metrics or [])
    _record_score(risk, by=acting_user, reason="First scored on the BAF")
    audit.record(
        acting_user=acting_user,
        action="strategy.risk_created",
        obj=risk,
        after={"current": risk.current_score, "target": risk.target_score},
    )
    return risk


@transaction.atomic
def edit_principal_risk(
    *,
    acting_user: User,
    risk: PrincipalRisk,
    objective: Objective | None,
    owner: User | None,
    category: str,
    metrics: list[Metric] | None = None,
    **values: Any,
) -> PrincipalRisk:
    """What the risk is and who holds it: `title`, `cause`, `event`, `effect`,
    `committee`, `assurance_rating`. Scores change only by `rescore_risk`."""
    errors: dict[str, str] = {}
    _check_described(
        {**values, "objective": objective, "owner": owner, "category": category}, errors
    )
    _refuse(errors)
    assert objective is not None and owner is not None  # refused above when missing
    risk = PrincipalRisk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    before = {"owner": risk.owner_id, "category": risk.category, "rating": risk.assurance_rating}
    for name in (*TEXT_FIELDS, "assurance_rating"):
        setattr(risk, name, str(values[name]).strip())
    risk.objective, risk.owner, risk.category = objective, owner, category
    risk.save()
    if metrics is not None:
        risk.metrics.set(metrics)
    audit.record(
        acting_user=acting_user,
        action="strategy.risk_edited",
        obj=risk,
        before=before,
        after={"owner": risk.owner_id, "category": risk.category, "rating": risk.assurance_rating},
    )
    return risk


@transaction.atomic
def rescore_risk(
    *,
    acting_user: User,
    risk: PrincipalRisk,
    reason: str,
    next_review_on: datetime.date | None,
    target_reason: str = "",
    **scores: Any,
) -> PrincipalRisk:
    """A review of the risk's current and target scores (`current_likelihood`, …,
    `target_consequence`): why it moved, and when it is next reviewed. Kept as history."""
    errors: dict[str, str] = {}
    _check_scores({**scores, "target_reason": target_reason}, errors, ("current", "target"))
    if not (reason or "").strip():
        errors["reason"] = "Say why the score is what it is: the evidence for this review"
    _check_review_date(next_review_on, errors)
    _refuse(errors)
    risk = PrincipalRisk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    before = {"current": risk.current_score, "target": risk.target_score}
    for name, value in scores.items():
        setattr(risk, name, value)
    risk.target_reason = target_reason.strip()
    risk.reviewed_on = timezone.localdate()
    risk.next_review_on = next_review_on
    risk.save()
    _record_score(risk, by=acting_user, reason=reason.strip())
    audit.record(
        acting_user=acting_user,
        action="strategy.risk_rescored",
        obj=risk,
        before=before,
        after={"current": risk.current_score, "target": risk.target_score},
    )
    return risk


@transaction.atomic
def add_control(
    *, acting_user: User | None, risk: PrincipalRisk, description: str, is_gap: bool = False
) -> Control:
    """A key control on a principal risk, or a gap in control."""
    if not description.strip():
        raise ValidationError({"description": "Describe the control or the gap"})
    control = Control.objects.create(risk=risk, description=description.strip(), is_gap=is_gap)
    audit.record(
        acting_user=acting_user,
        action="strategy.risk_control_added",
        obj=risk,
        after={"control": control.pk, "gap": is_gap},
    )
    return control


@transaction.atomic
def add_assurance(
    *,
    acting_user: User | None,
    risk: PrincipalRisk,
    line: str,
    description: str,
    positive: bool = True,
    is_gap: bool = False,
) -> AssuranceSource:
    """A source of assurance by line (management, oversight, independent: reference
    §2.2), positive or negative, or a gap in assurance."""
    errors: dict[str, str] = {}
    if line not in Line.values:
        errors["line"] = "Choose the line of assurance: 1, 2 or 3"
    if not description.strip():
        errors["description"] = "Describe the source of assurance or the gap"
    _refuse(errors)
    source = AssuranceSource.objects.create(
        risk=risk, line=line, description=description.strip(), positive=positive, is_gap=is_gap
    )
    audit.record(
        acting_user=acting_user,
        action="strategy.risk_assurance_added",
        obj=risk,
        after={"assurance": source.pk, "line": line, "positive": positive, "gap": is_gap},
    )
    return source


@transaction.atomic
def set_risk_appetite(
    *,
    acting_user: User | None,
    category: str,
    level: str,
    max_score: int | None,
    approved_on: datetime.date | None,
    statement: str = "",
) -> RiskAppetite:
    """The board's appetite for a category, recorded by the governance lead: a level, the
    highest score it tolerates (a score of the 5x5 matrix), and the board's date."""
    errors: dict[str, str] = {}
    if category not in RiskCategory.values:
        errors["category"] = "Choose the risk category"
    if level not in AppetiteLevel.values:
        errors["level"] = "Choose the appetite level"
    if max_score not in matrix.VALID_SCORES:
        valid = ", ".join(str(v) for v in sorted(matrix.VALID_SCORES))
        errors["max_score"] = f"Enter a score of the 5x5 matrix: one of {valid}"
    if approved_on is None:
        errors["approved_on"] = "Enter the date the board approved it"
    elif approved_on > timezone.localdate():
        errors["approved_on"] = "The board's approval date cannot be in the future"
    _refuse(errors)
    assert max_score is not None and approved_on is not None  # refused above when missing
    appetite = RiskAppetite.objects.create(
        category=category,
        level=level,
        max_score=max_score,
        statement=statement.strip(),
        approved_on=approved_on,
        set_by=acting_user,
    )
    audit.record(
        acting_user=acting_user,
        action="strategy.risk_appetite_set",
        obj=appetite,
        after={"category": category, "level": level, "max_score": max_score},
    )
    return appetite


@transaction.atomic
def adopt_descriptors(
    *,
    acting_user: User | None,
    axis: str,
    rows: list[tuple[str, str]],
    adopted_on: datetime.date | None = None,
) -> list[Descriptor]:
    """A new version of the likelihood or consequence table: five (name, description)
    rows for levels 1-5. Earlier versions are kept."""
    errors: dict[str, str] = {}
    if axis not in Axis.values:
        errors["axis"] = "Choose likelihood or consequence"
    if len(rows) != len(matrix.LIKELIHOOD):
        errors["rows"] = "Describe each of the five levels"
    for level, (name, description) in enumerate(rows, start=1):
        if not name.strip():
            errors[f"name_{level}"] = f"Name level {level}"
        if not description.strip():
            errors[f"description_{level}"] = f"Describe level {level}"
    _refuse(errors)
    latest = Descriptor.objects.filter(axis=axis).aggregate(v=Max("version"))["v"] or 0
    day = adopted_on or timezone.localdate()
    made = [
        Descriptor.objects.create(
            axis=axis,
            level=level,
            name=name.strip(),
            description=description.strip(),
            version=latest + 1,
            adopted_on=day,
        )
        for level, (name, description) in enumerate(rows, start=1)
    ]
    audit.record(
        acting_user=acting_user,
        action="strategy.risk_descriptors_adopted",
        obj=made[0],
        after={"axis": axis, "version": latest + 1},
    )
    return made
