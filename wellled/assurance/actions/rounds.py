"""Self-assessment rounds: opening one, its statement owners, its limiters, closing it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.assurance import frameworks
from wellled.assurance.access import require
from wellled.assurance.actions.common import (
    assessment_snapshot,
    lock_round,
    raise_errors,
    require_open,
    round_snapshot,
)
from wellled.assurance.models import AssessmentRound, RoundStatus, StatementAssessment
from wellled.core import audit
from wellled.core.types import Actor
from wellled.engines.ratings import Methodology, Rating, RatingsError, Rounding
from wellled.organisation.access import Cap
from wellled.organisation.models import OrgUnit, UnitKind

# Scopes a round may cover, and which key questions each gets.
ROUND_SCOPES = (UnitKind.TRUST, UnitKind.SERVICE, UnitKind.SITE)

ENFORCEMENT_LIMITERS = ("requirement_notice", "warning_notice", "condition_of_registration")


def _round_errors(
    methodology: Methodology, scope: OrgUnit, title: str, rounding: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (frameworks.is_scored(methodology) or methodology.judged):
        usable = ", ".join(frameworks.self_assessment_framework_ids())
        errors["methodology"] = (
            f"{methodology.id} holds no rating characteristics or scores to self-assess "
            f"against. Use one of: {usable}."
        )
    if not title.strip():
        errors["title"] = "Enter a title for the round"
    if scope.kind not in ROUND_SCOPES:
        errors["scope"] = "Choose the trust, a service or a location (site) for the round"
    elif not scope.is_active:
        errors["scope"] = "This unit is closed: choose an open one"
    try:
        Rounding.parse(rounding)
    except RatingsError as error:
        errors["rounding"] = str(error)
    return errors


def _round_key_questions(scope: OrgUnit, methodology: Methodology) -> list[str]:
    """The trust's round is well-led only; a service or location gets all five."""
    if scope.kind == UnitKind.TRUST:
        return list(frameworks.TRUST_KEY_QUESTIONS)
    # A draft framework may not have every key question's questions yet.
    return [kq.id for kq in methodology.key_questions if kq.statements]


def _previous_ratings(
    previous_ratings: Mapping[str, str], key_questions: Sequence[str]
) -> dict[str, str]:
    """The previous ratings given, as the engine's words, or a ValidationError."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for kq_id, word in previous_ratings.items():
        if not word:
            continue
        if kq_id not in key_questions:
            errors["previous_ratings"] = f"{kq_id!r} is not a key question of this round"
            continue
        try:
            cleaned[kq_id] = str(Rating.parse(word))
        except RatingsError as error:
            errors["previous_ratings"] = str(error)
    raise_errors(errors)
    return cleaned


def _add_statements(
    round_: AssessmentRound, methodology: Methodology, key_questions: Sequence[str]
) -> None:
    order = 0
    for kq_id in key_questions:
        for item in methodology.key_question(kq_id).statements:
            StatementAssessment.objects.create(
                round=round_, key_question_id=kq_id, statement_id=item.id, order=order
            )
            order += 1


@transaction.atomic
def open_round(
    *,
    acting_user: Actor,
    scope: OrgUnit,
    methodology_id: str,
    title: str,
    opened_on: datetime.date | None = None,
    previous_ratings: Mapping[str, str] | None = None,
    rounding: str = "",
) -> AssessmentRound:
    """Open a self-assessment round: the trust's well-led, or all five for a service."""
    require(acting_user, Cap.MANAGE_ASSURANCE, scope)
    methodology = frameworks.get_framework(methodology_id)
    chosen_rounding = rounding or methodology.default_rounding.value
    raise_errors(_round_errors(methodology, scope, title, chosen_rounding))
    key_questions = _round_key_questions(scope, methodology)
    round_ = AssessmentRound.objects.create(
        title=title.strip(),
        scope=scope,
        methodology_id=methodology.id,
        key_questions=key_questions,
        previous_ratings=_previous_ratings(previous_ratings or {}, key_questions),
        rounding=chosen_rounding,
        opened_on=opened_on or timezone.localdate(),
        opened_by=acting_user if isinstance(acting_user, User) else None,
    )
    _add_statements(round_, methodology, key_questions)
    audit.record(
        acting_user=acting_user,
        action="assurance.round_opened",
        obj=round_,
        after=round_snapshot(round_),
    )
    return round_


@transaction.atomic
def assign_owner(
    *, acting_user: Actor, assessment: StatementAssessment, owner: User | None
) -> StatementAssessment:
    """Make someone (or nobody) the owner who scores a statement in an open round."""
    round_ = lock_round(assessment.round)
    require(acting_user, Cap.MANAGE_ASSURANCE, round_.scope)
    require_open(round_)
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": "This person's account is deactivated"})
    before = assessment_snapshot(assessment)
    assessment.owner = owner
    assessment.save(update_fields=["owner"])
    old, new = audit.diff(before, assessment_snapshot(assessment))
    audit.record(
        acting_user=acting_user,
        action="assurance.owner_assigned",
        obj=round_,
        before={"statement_id": assessment.statement_id, **old},
        after={"statement_id": assessment.statement_id, **new},
    )
    return assessment


@transaction.atomic
def close_round(
    *,
    acting_user: Actor,
    round_: AssessmentRound,
    reason: str = "",
    closed_on: datetime.date | None = None,
) -> AssessmentRound:
    """Close a round. Unscored statements need a recorded reason; nothing is discarded."""
    round_ = lock_round(round_)
    require(acting_user, Cap.MANAGE_ASSURANCE, round_.scope)
    require_open(round_)
    judged = frameworks.get_framework(round_.methodology_id).judged
    pending = round_.statements.filter(fit="") if judged else round_.statements.filter(score=None)
    unscored = list(pending.order_by("order"))
    if unscored and not reason.strip():
        count = len(unscored)
        noun = (
            ("question is" if count == 1 else "questions are")
            if judged
            else ("statement is" if count == 1 else "statements are")
        )
        then = "" if judged else " (they take the score implied by the previous rating)"
        raise ValidationError(
            {
                "reason": f"{count} {noun} not {'assessed' if judged else 'scored'}: record "
                f"why the round closes without them{then}"
            }
        )
    before = round_snapshot(round_)
    round_.status = RoundStatus.CLOSED
    round_.closed_on = closed_on or timezone.localdate()
    round_.closed_by = acting_user if isinstance(acting_user, User) else None
    round_.close_reason = reason.strip()
    round_.save(update_fields=["status", "closed_on", "closed_by", "close_reason"])
    old, new = audit.diff(before, round_snapshot(round_))
    audit.record(
        acting_user=acting_user,
        action="assurance.round_closed",
        obj=round_,
        before=old,
        after={**new, "unscored": [a.statement_id for a in unscored]},
    )
    return round_


def _clean_limiters(
    round_: AssessmentRound, methodology: Methodology, limiters: Mapping[str, Sequence[str]]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """(limiters per key question in the framework's order, errors by field)."""
    known = list(methodology.limiters)
    errors: dict[str, str] = {}
    cleaned: dict[str, list[str]] = {}
    for kq_id, names in limiters.items():
        if kq_id not in round_.key_questions:
            errors["limiters"] = f"{kq_id!r} is not a key question of this round"
            continue
        if isinstance(names, str):
            names = [names]
        chosen = list(dict.fromkeys(n for n in names if n))
        unknown = [n for n in chosen if n not in known]
        if unknown:
            errors["limiters"] = (
                f"Unknown limiter {', '.join(map(repr, unknown))} for {methodology.id}. "
                f"Use any of: {', '.join(known)}"
            )
            continue
        if chosen:
            # In the framework's order, so the page and the engine read them the same way.
            cleaned[kq_id] = [n for n in known if n in chosen]
    return cleaned, errors


@transaction.atomic
def set_limiters(
    *,
    acting_user: Actor,
    round_: AssessmentRound,
    limiters: Mapping[str, Sequence[str]],
    reason: str = "",
) -> AssessmentRound:
    """Record which of the engine's limiters apply to each key question of an open round.

    Enforcement (a requirement notice, warning notice or condition) is a fact the
    governance lead states, so it needs a reason saying what it rests on. Giving no
    limiters clears them.
    """
    round_ = lock_round(round_)
    require(acting_user, Cap.MANAGE_ASSURANCE, round_.scope)
    require_open(round_)
    methodology = frameworks.get_framework(round_.methodology_id)
    cleaned, errors = _clean_limiters(round_, methodology, limiters)
    enforcement = any(n in ENFORCEMENT_LIMITERS for names in cleaned.values() for n in names)
    if enforcement and not reason.strip():
        errors["reason"] = (
            "Say what the enforcement rests on, for example the requirement notice, "
            "its regulation and the inspection"
        )
    raise_errors(errors)
    before = round_snapshot(round_)
    round_.limiters = {kq: cleaned[kq] for kq in round_.key_questions if kq in cleaned}
    round_.limiters_reason = reason.strip() if cleaned else ""
    round_.save(update_fields=["limiters", "limiters_reason"])
    old, new = audit.diff(before, round_snapshot(round_))
    audit.record(
        acting_user=acting_user,
        action="assurance.limiters_set",
        obj=round_,
        before=old,
        after=new,
    )
    return round_
