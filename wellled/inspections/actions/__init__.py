"""Every write to inspections: recording, ratings and findings. Views, the API, the
demo and tests call these.

Rules, each refused with a clear message:
- methodology, key question and statement ids must be known to the ratings engine;
  statement scores are whole numbers from 1 to 4;
- a finding with a signed-off action cannot change until the action is reopened.

The actions that answer findings are improvement actions (wellled.improvement):
raised on the finding, with milestones, progress, evidence in the library and an
executive's sign-off (improvement_source.py).

`acting_user=None` is the system (demo data, scheduled jobs) and skips the
permission checks (`wellled.inspections.access`), never the rules.
"""

from wellled.inspections.actions.common import methodology_or_error
from wellled.inspections.actions.inspections import (
    SCOPE_KINDS,
    add_finding,
    change_finding,
    record_inspection,
    set_ratings,
)

__all__ = [
    "SCOPE_KINDS",
    "add_finding",
    "change_finding",
    "methodology_or_error",
    "record_inspection",
    "set_ratings",
]
