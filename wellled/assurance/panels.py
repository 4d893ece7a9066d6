"""What other modules feed into assurance: panels against a quality statement on the
well-led page and on a round's statement page, and open enforcement suggested as a
round's limiters.

A module registers a function in its AppConfig.ready():

    from wellled.assurance.panels import StatementPanel, register_statement_panel

    def open_actions(user, framework_id, statement_id) -> StatementPanel | None: ...
    register_statement_panel(open_actions)

`framework_id` is a methodology id from wellled.engines.ratings (for example
"saf_2024_statements") and `statement_id` one of its quality statement ids. The
function returns None when it has nothing for that statement or the user may not
see it. Panels carry aggregates and links only, never personal data.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from wellled.assurance.models import StatementAssessment
from wellled.core.types import AnyUser
from wellled.organisation.models import OrgUnit


@dataclass(frozen=True)
class PanelRow:
    label: str
    value: str = ""
    href: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class StatementPanel:
    title: str  # e.g. "Open inspection actions"
    module: str  # e.g. "Inspections"
    rows: list[PanelRow] = field(default_factory=list)
    empty_text: str = "Nothing recorded."
    # The next step the panel offers, shown only to whoever may take it.
    link_label: str = ""  # e.g. "Raise an action on this statement"
    link_href: str = ""


PanelFunction = Callable[[AnyUser, str, str], "StatementPanel | None"]

_PANELS: list[PanelFunction] = []


def register_statement_panel(function: PanelFunction) -> None:
    if function not in _PANELS:
        _PANELS.append(function)


def panels_for(user: AnyUser, framework_id: str, statement_id: str) -> list[StatementPanel]:
    found = (panel(user, framework_id, statement_id) for panel in _PANELS)
    return [panel for panel in found if panel is not None]


# Panels on one statement of a self-assessment round ---------------------------
#
# A module that acts on a round's statement (the improvement actions raised on a
# low score) registers a function of the user and the `StatementAssessment`:
#
#     register_assessment_panel(actions_on_statement)
#
# The statement's page in the round shows what it returns.

AssessmentPanelFunction = Callable[[AnyUser, "StatementAssessment"], "StatementPanel | None"]

_ASSESSMENT_PANELS: list[AssessmentPanelFunction] = []


def register_assessment_panel(function: AssessmentPanelFunction) -> None:
    if function not in _ASSESSMENT_PANELS:
        _ASSESSMENT_PANELS.append(function)


def assessment_panels_for(user: AnyUser, assessment: StatementAssessment) -> list[StatementPanel]:
    found = (panel(user, assessment) for panel in _ASSESSMENT_PANELS)
    return [panel for panel in found if panel is not None]


# Open enforcement, suggested as self-assessment limiters -----------------------
#
# A module that records enforcement (a requirement notice, warning notice or
# condition) registers a function of a round's scope in its AppConfig.ready():
#
#     register_enforcement_source(open_notices)
#
# Each returns what is still open on exactly that unit, as `EnforcementSuggestion`;
# the limiters page suggests them to the governance lead, who decides.


@dataclass(frozen=True)
class EnforcementSuggestion:
    limiter: str  # a limiter name of the ratings engine, e.g. "requirement_notice"
    label: str  # e.g. "Requirement notice RN1 (Regulation 17), CQC inspection 2025"
    key_questions: tuple[str, ...]  # those its linked statements belong to (may be empty)
    href: str
    finding_id: int
    inspection_id: int


EnforcementFunction = Callable[[OrgUnit], "list[EnforcementSuggestion]"]

_ENFORCEMENT: list[EnforcementFunction] = []


def register_enforcement_source(function: EnforcementFunction) -> None:
    if function not in _ENFORCEMENT:
        _ENFORCEMENT.append(function)


def open_enforcement_for(scope: OrgUnit) -> list[EnforcementSuggestion]:
    return [found for source in _ENFORCEMENT for found in source(scope)]


# The latest published CQC rating ------------------------------------------------
#
# The well-led page leads with what CQC last said, before any self-assessment, so an
# open round's estimate is never read as the trust's rating. A module that records
# inspections registers a function in its AppConfig.ready():
#
#     register_published_rating_source(latest_cqc_rating)
#
# It returns the latest CQC rating of a key question for exactly that unit that the
# user may see, or None.


@dataclass(frozen=True)
class PublishedRating:
    key_question: str
    rating: str  # in CQC's words, e.g. "Requires improvement"
    title: str  # e.g. "CQC well-led inspection 2025"
    href: str
    published_on: datetime.date | None
    percentage: int | None = None  # CQC's published score, where it scored one
    # Statements CQC scored 1, by their labels ("W1 Shared direction and culture").
    scored_1: tuple[str, ...] = ()


PublishedRatingFunction = Callable[[AnyUser, OrgUnit, str], "PublishedRating | None"]

_PUBLISHED: list[PublishedRatingFunction] = []


def register_published_rating_source(function: PublishedRatingFunction) -> None:
    if function not in _PUBLISHED:
        _PUBLISHED.append(function)


def latest_published_rating(
    user: AnyUser, scope: OrgUnit, key_question: str
) -> PublishedRating | None:
    found = [r for source in _PUBLISHED if (r := source(user, scope, key_question))]
    if not found:
        return None
    return max(found, key=lambda r: r.published_on or datetime.date.min)
