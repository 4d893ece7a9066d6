"""Whether a visit's concerns look like a speaking-up matter, so the page can point
the person to the Freedom to Speak Up routes.

Only a pointer: nothing from a visit is copied into speak-up, and the words are
never stored or logged as a flag. The phrases follow what the National Guardian's
Office says speaking up covers (anything that gets in the way of good care or
working life: patient safety, bullying and harassment, discrimination, fraud,
fear of raising something); the list is wellled's own, kept short so the pointer
shows when it may help rather than claiming to classify.
"""

from __future__ import annotations

import re

_PHRASES = (
    r"bull(y|ied|ying)",
    r"harass",
    r"discriminat",
    r"racis",
    r"afraid to",
    r"scared to",
    r"fear of",
    r"not listened",
    r"whistle ?blow",
    r"fraud",
    r"cover(ed)? up",
    r"unsafe",
    r"retaliat",
    r"victimi[sz]",
)
_PATTERN = re.compile(r"\b(" + "|".join(_PHRASES) + r")", re.IGNORECASE)


def looks_like_speaking_up(*texts: str) -> bool:
    return any(_PATTERN.search(text or "") for text in texts)
