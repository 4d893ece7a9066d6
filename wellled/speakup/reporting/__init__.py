"""Speak-up figures that identify no one: the national return, the board view, IPR metrics.

Everything here reads only the case's plaintext reporting fields (route, the
week received and closed, status, the elements, worker group, detriment,
themes, feedback answer). Nothing decrypts a case.

* `national_return(quarter)`: the quarterly counts for the national return,
  through the field set (a versioned JSON file in `return_fields/`) in force for
  the quarter. Guardians see these counts as they are.
* `board_report(quarters)`: trends and themes by quarter for the board, with
  every count from 1 to the threshold minus one suppressed, and enough other
  cells suppressed that no suppressed count can be worked out from a total
  (`suppress`).
* `register_metric_sources()`: monthly measures for the SPC/IPR module, with
  the same suppression.

A case falls in the quarter (or month) of its received week's Monday: dates
are held only to the week, so a case received on Tuesday 1 April in a week
that began on Monday 31 March counts in the quarter ending in March.

One module each: `periods` (quarters and the threshold), `suppression`,
`national_return`, `board` and `metrics`; every public name is importable from here.
"""

from __future__ import annotations

from wellled.speakup.reporting.board import (
    ELEMENTS,
    FEEDBACK_ANSWERS,
    OTHER_THEMES,
    OTHER_THEMES_LABEL,
    BoardReport,
    BoardRow,
    BoardTable,
    ConfidenceRow,
    board_report,
)
from wellled.speakup.reporting.metrics import (
    anonymous_share,
    concerns_per_month,
    detriment_share,
    register_metric_sources,
    would_speak_up_again_share,
)
from wellled.speakup.reporting.national_return import (
    BREAKDOWNS,
    EXPORT_HEADER,
    FIELD_SETS_DIR,
    FILTERABLE,
    FieldSet,
    FieldSetError,
    ReturnField,
    ReturnRow,
    caveats,
    field_set_for,
    field_sets,
    national_return,
    return_csv,
    return_xlsx,
)
from wellled.speakup.reporting.periods import (
    DEFAULT_SUPPRESS_BELOW,
    Quarter,
    recent_quarters,
    suppress_below,
)
from wellled.speakup.reporting.suppression import (
    Cell,
    CellKey,
    SumGroup,
    suppress,
)

__all__ = [
    "BREAKDOWNS",
    "DEFAULT_SUPPRESS_BELOW",
    "ELEMENTS",
    "EXPORT_HEADER",
    "FEEDBACK_ANSWERS",
    "FIELD_SETS_DIR",
    "FILTERABLE",
    "OTHER_THEMES",
    "OTHER_THEMES_LABEL",
    "BoardReport",
    "BoardRow",
    "BoardTable",
    "Cell",
    "CellKey",
    "ConfidenceRow",
    "FieldSet",
    "FieldSetError",
    "Quarter",
    "ReturnField",
    "ReturnRow",
    "SumGroup",
    "anonymous_share",
    "board_report",
    "caveats",
    "concerns_per_month",
    "detriment_share",
    "field_set_for",
    "field_sets",
    "national_return",
    "recent_quarters",
    "register_metric_sources",
    "return_csv",
    "return_xlsx",
    "suppress",
    "suppress_below",
    "would_speak_up_again_share",
]
