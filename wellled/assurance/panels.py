"""What other modules show against a quality statement on the well-led page.

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

from collections.abc import Callable
from dataclasses import dataclass, field

from wellled.core.types import AnyUser


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


PanelFunction = Callable[[AnyUser, str, str], "StatementPanel | None"]

_PANELS: list[PanelFunction] = []


def register_statement_panel(function: PanelFunction) -> None:
    if function not in _PANELS:
        _PANELS.append(function)


def panels_for(user: AnyUser, framework_id: str, statement_id: str) -> list[StatementPanel]:
    found = (panel(user, framework_id, statement_id) for panel in _PANELS)
    return [panel for panel in found if panel is not None]
