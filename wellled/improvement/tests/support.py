"""A source of actions for the improvement app's own tests: "test finding" n
belongs to the unit with that id, and any governance lead may raise on it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from wellled.assurance import frameworks
from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit, Role

KIND = "test_finding"


def _describe(ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    units = OrgUnit.objects.in_bulk([int(i) for i in ids])
    return {
        str(pk): sources.SourceInfo(
            label=f"Test finding at {unit.name}",
            href="",
            unit_id=pk,
            statement_ids=(a_statement(),),
        )
        for pk, unit in units.items()
    }


def _may_raise(user: AnyUser, source_id: str) -> bool:
    unit = OrgUnit.objects.filter(pk=int(source_id)).first()
    return unit is not None and can(user, Cap.MANAGE_ACTIONS, unit)


TEST_SOURCE = sources.SourceType(
    kind=KIND,
    label="Test finding",
    describe=_describe,
    may_raise=_may_raise,
    evidence_required=True,
    sign_off_role=Role.EXECUTIVE,
)


def a_statement() -> str:
    methodology = frameworks.evidence_framework_methodology()
    return frameworks.all_statements(methodology)[0].id


@pytest.fixture
def test_source() -> Iterator[sources.SourceType]:
    sources.register(TEST_SOURCE, announce=False)
    yield TEST_SOURCE
    sources.unregister(KIND)
