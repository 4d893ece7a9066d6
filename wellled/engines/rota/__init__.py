"""Walkround rota generation: which leaders visit which place on which day.

    from wellled.engines.rota import Leader, Place, RotaRequest, generate
    rota = generate(RotaRequest(starts_on=..., ends_on=..., places=..., leaders=...))

Pure Python; no Django. docs/leadership.md documents the rules and the API.
"""

from wellled.engines.rota.schedule import (
    EVENING,
    EXECUTIVE,
    IN_HOURS,
    NON_EXECUTIVE,
    SESSIONS,
    WEEKEND,
    Leader,
    Place,
    PlannedVisit,
    Rota,
    RotaRequest,
    generate,
    place_order,
)

__all__ = [
    "EVENING",
    "EXECUTIVE",
    "IN_HOURS",
    "NON_EXECUTIVE",
    "SESSIONS",
    "WEEKEND",
    "Leader",
    "Place",
    "PlannedVisit",
    "Rota",
    "RotaRequest",
    "generate",
    "place_order",
]
