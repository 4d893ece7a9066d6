"""The one check every uploaded file passes before anything keeps it.

Its size is checked first, then its type is read from its bytes (`filetype`), never
taken from its name or the browser, its name must agree with that type where the
policy says so, and the virus scanner must pass it (`core.scanning`). Each app says
what it accepts in a `FilePolicy`; the wording of each refusal can be the app's own.

A refusal is a `ValidationError` with a code (`empty`, `too_large`, `bad_type`,
`disguised`, `not_text`, `not_utf8`, `virus`, `scan_unavailable`) and, when the
policy names a form field, keyed by that field so it shows beside it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from wellled.core import scanning

DEFAULT_WORDING: Mapping[str, str] = MappingProxyType(
    {
        "empty": "“{name}” is empty",
        "too_large": "“{name}” is larger than {limit}",
        "bad_type": "“{name}” is not a file type we accept. Upload a {allowed} file",
        "disguised": (
            "“{name}”'s content is {actual} but its name ends {ending}: "
            "rename it or upload the right file"
        ),
        "not_text": "“{name}” is not plain text: upload a CSV or TXT file",
        "not_utf8": "Save “{name}” as UTF-8 text and upload it again",
    }
)


def size_label(size: int) -> str:
    """A size as people say it: 10 MB, 512 KB."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    return f"{max(1, round(size / 1024))} KB"


@dataclass(frozen=True)
class FilePolicy:
    """What an upload may be.

    `types` maps a MIME type read from the bytes to the endings a file name may
    carry for it; an empty tuple means the name is not checked. `text_types` maps
    the endings of plain-text files (which have no signature to read) to their
    MIME type; such files must be UTF-8 without NUL bytes. `max_bytes` is a number
    or a function read at check time (so a setting can change it in tests).
    """

    types: Mapping[str, tuple[str, ...]]
    described_as: str
    max_bytes: int | Callable[[], int]
    text_types: Mapping[str, str] = dataclasses.field(default_factory=dict)
    field: str | None = None
    name_limit: int = 150
    default_name: str = "file"
    wording: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # An app's own rule for the stored name (default: `get_valid_filename`).
    name_cleaner: Callable[[str], str] | None = None
    # An app's own check of a file whose type is known, before it is scanned: it
    # raises a ValidationError to refuse it (e.g. a picture with too many pixels).
    inspect: Callable[[CheckedFile], None] | None = None

    def limit(self) -> int:
        return self.max_bytes() if callable(self.max_bytes) else self.max_bytes

    def refuse(self, code: str, **values: str) -> ValidationError:
        template = self.wording.get(code) or DEFAULT_WORDING[code]
        message = template.format(allowed=self.described_as, **values)
        if self.field:
            return ValidationError({self.field: ValidationError(message, code=code)})
        return ValidationError(message, code=code)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    media_type: str
    data: bytes


def clean_name(name: str, policy: FilePolicy) -> str:
    """The file's own name without any folder, safe to store and show."""
    if policy.name_cleaner is not None:
        return policy.name_cleaner(name)
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return get_valid_filename(base)[: policy.name_limit] if base else policy.default_name


def check_bytes(name: str, data: bytes, policy: FilePolicy) -> CheckedFile:
    """The file with its real type, or a ValidationError saying plainly what is wrong."""
    clean = clean_name(name, policy)
    limit = policy.limit()
    if not data:
        raise policy.refuse("empty", name=clean)
    if len(data) > limit:
        raise policy.refuse("too_large", name=clean, limit=size_label(limit))
    ending = os.path.splitext(clean)[1].lower().lstrip(".")
    kind = filetype.guess(data)
    if kind is not None:
        media_type = kind.mime
        endings = policy.types.get(media_type)
        if endings is None:
            raise policy.refuse("bad_type", name=clean)
        if endings and ending not in endings:
            raise policy.refuse(
                "disguised",
                name=clean,
                actual=kind.extension.upper(),
                ending=f".{ending}" if ending else "with no type",
            )
    elif ending in policy.text_types:
        media_type = policy.text_types[ending]
        _check_text(clean, data, policy)
    else:
        raise policy.refuse("bad_type", name=clean)
    checked = CheckedFile(name=clean, media_type=media_type, data=data)
    if policy.inspect is not None:
        policy.inspect(checked)
    _scan(clean, data, policy)
    return checked


def read_upload(upload: UploadedFile, policy: FilePolicy) -> CheckedFile:
    """Read an uploaded file (no more than one byte past the limit) and check it."""
    limit = policy.limit()
    name = upload.name or policy.default_name
    if upload.size is not None and upload.size > limit:
        raise policy.refuse("too_large", name=clean_name(name, policy), limit=size_label(limit))
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if isinstance(data, str):
        data = data.encode()
    return check_bytes(name, data, policy)


def _check_text(name: str, data: bytes, policy: FilePolicy) -> None:
    if b"\x00" in data:
        raise policy.refuse("not_text", name=name)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise policy.refuse("not_utf8", name=name) from None


def _scan(name: str, data: bytes, policy: FilePolicy) -> None:
    try:
        scanning.scan(data)
    except scanning.VirusFound as found:
        code, problem = "virus", scanning.VIRUS_MESSAGE.format(name=found.name)
    except scanning.ScanUnavailable:
        code, problem = "scan_unavailable", scanning.UNAVAILABLE_MESSAGE
    else:
        return
    if policy.field:
        raise ValidationError({policy.field: ValidationError(problem, code=code)})
    raise ValidationError(f"“{name}”: {problem}", code=code)
