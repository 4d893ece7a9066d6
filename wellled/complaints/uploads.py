"""What a complaint document may be: the policy every upload is checked against by
`wellled.core.uploads` (its size, and its real type read from its bytes), with the
complaints pages' own wording."""

from __future__ import annotations

from wellled.core.uploads import FilePolicy

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

# MIME type read from the bytes -> the name people know it by.
ALLOWED: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
}
ALLOWED_NAMES = "PDF, JPEG, PNG or Word (DOCX)"


def _name(filename: str) -> str:
    # The name as complaints have always kept it: without any folder, at most 200
    # characters (it is only ever shown, and sent back in a quoted header).
    return (filename or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]


def _max_bytes() -> int:
    # Read when a file is checked, so a test can lower the limit.
    return MAX_BYTES


POLICY = FilePolicy(
    # A document's name is not checked against its type: its bytes decide what it is.
    types=dict.fromkeys(ALLOWED, ()),
    described_as=ALLOWED_NAMES,
    max_bytes=_max_bytes,
    name_cleaner=_name,
    wording={
        "empty": "{name} is empty",
        "too_large": "{name} is larger than {limit}",
        "bad_type": "{name} is not a {allowed} file (its content was checked, not its name)",
        "virus": "{name}: {problem}",
        "scan_unavailable": "{name}: {problem}",
    },
)
