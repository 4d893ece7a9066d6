"""Every write to walkrounds, by use case. Views, API, demo and tests call these."""

from wellled.leadership.actions.programmes import (
    add_leader,
    add_unavailability,
    create_programme,
    generate_rota,
)
from wellled.leadership.actions.visits import (
    confirm_receipt,
    move_visit,
    record_visit,
    send_feedback,
)

__all__ = [
    "add_leader",
    "add_unavailability",
    "confirm_receipt",
    "create_programme",
    "generate_rota",
    "move_visit",
    "record_visit",
    "send_feedback",
]
