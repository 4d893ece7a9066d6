"""The sealed parts of a case that both writes and reads handle: who the reporter is.

Only under the case key: the reporter's name, contact and notification address.
"""

from __future__ import annotations

import json

from wellled.speakup import crypto
from wellled.speakup.models import Case


def seal_reporter(case_key: bytes, details: dict[str, str]) -> bytes | None:
    kept = {k: v for k, v in details.items() if v}
    if not kept:
        return None
    return crypto.seal(case_key, json.dumps(kept).encode())


def read_reporter(case_key: bytes, case: Case) -> dict[str, str]:
    if case.sealed_reporter is None:
        return {}
    value: dict[str, str] = json.loads(crypto.open_sealed(case_key, case.sealed_reporter))
    return value
