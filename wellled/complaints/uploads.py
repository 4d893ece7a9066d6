"""What a complaint document may be: the policy every upload is checked against by
`wellled.core.uploads` (its size, its real type read from its bytes, and a name
whose ending agrees with that type), with the complaints pages' own wording.

The size limit is the trust's configured one, `MAX_UPLOAD_BYTES` (2 MB by default).
"""

from __future__ import annotations

from django.conf import settings

from wellled.core.uploads import FilePolicy, size_label

MAX_FILES = 5

# MIME type read from the bytes -> the name people know it by.
ALLOWED: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
}
ALLOWED_NAMES = "PDF, JPEG, PNG or Word (DOCX)"
# MIME type read from the bytes -> the endings its name may have: a PDF named
# invoice.exe or page.html is refused, so no one downloads it as something else.
ENDINGS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
}


def _name(filename: str) -> str:
    # The name as complaints have always kept it: without any folder, at most 200
    # characters (it is only ever shown, and sent back in a quoted header).
    return (filename or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]


def max_bytes() -> int:
    # Read when a file is checked, so a setting changed in a test applies.
    return int(settings.MAX_UPLOAD_BYTES)


def limit_label() -> str:
    """The limit as the pages say it: 2 MB."""
    return size_label(max_bytes())


POLICY = FilePolicy(
    types=ENDINGS,
    described_as=ALLOWED_NAMES,
    max_bytes=max_bytes,
    name_cleaner=_name,
    wording={
        "empty": "{name} is empty",
        "too_large": "{name} is larger than {limit}",
        "bad_type": "{name} is not a {allowed} file (its content was checked, not its name)",
        "disguised": "{name} is a {actual} file but its name ends {ending}: "
        "rename it or upload the right file",
        "virus": "{name}: {problem}",
        "scan_unavailable": "{name}: {problem}",
    },
)
