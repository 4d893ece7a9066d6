"""Checking an uploaded document: its size, and its real type read from its bytes."""

from __future__ import annotations

from dataclasses import dataclass

import filetype

from wellled.core import scanning

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


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes


def check_file(filename: str, data: bytes) -> CheckedFile:
    """The file with its real type, or ValueError saying plainly what is wrong."""
    name = (filename or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    if not data:
        raise ValueError(f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise ValueError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise ValueError(
            f"{name} is not a {ALLOWED_NAMES} file (its content was checked, not its name)"
        )
    problem = scanning.scan_problem(data)
    if problem:
        raise ValueError(f"{name}: {problem}")
    return CheckedFile(filename=name, content_type=kind.mime, data=data)
