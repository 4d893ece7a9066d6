"""Who may do what with workforce equality: the EDI lead imports; leaders read aggregates.

Every figure is an aggregate count by group, so one capability decides reading.
"""

from __future__ import annotations

from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can


def may_view(user: AnyUser) -> bool:
    return can(user, Cap.VIEW_EQUALITY)


def may_import(user: AnyUser) -> bool:
    return can(user, Cap.IMPORT_EQUALITY)
