"""What other modules say must be done before a case may close.

Learning sits above complaints (decision 0007), so complaints cannot import it: it
registers its check here in its AppConfig.ready(), as modules feed reports through
`reports/sources.py`. The `close` action asks every registered check; with none
registered, complaints checks only that each upheld issue has its learning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wellled.complaints.models import Complaint

# A check returns why the case cannot close yet ([] when nothing is missing).
ClosureCheck = Callable[[Complaint], Iterable[object]]

_checks: list[ClosureCheck] = []


def register_closure_check(check: ClosureCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def closure_checks() -> list[ClosureCheck]:
    return list(_checks)
