"""The one check every uploaded file passes before anything keeps it.

Its size is checked first, then its type is read from its bytes (`filetype`), never
taken from its name or the browser, its name must agree with that type where the
policy says so, and the virus scanner must pass it (`core.scanning`). Each app says
what it accepts in a `FilePolicy`; the wording of each refusal can be the app's own.

A refusal is a `ValidationError` with a code (`empty`, `too_large`, `bad_type`,
`disguised`, `not_text`, `not_utf8`, `virus`, `scan_unavailable`) and, when the
policy names a form field, keyed by that field so it shows beside it. A policy's
`wording` for `virus` and `scan_unavailable` may use `{name}` and `{problem}` (the
scanner's own sentence).

Before any of that, `BoundedUploadHandler` (the only upload handler in
`FILE_UPLOAD_HANDLERS`) receives every uploaded file as the request streams in: it
keeps files in memory only, never in a temporary file on disk (so an interrupted
upload leaves nothing behind), and keeps at most one byte past the configured
limit of any file (`MAX_UPLOAD_BYTES`), so a file too large is refused by the
check below with the policy's own wording, whatever the size of the body sent.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
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
    if code in policy.wording:
        # The app's own wording, given the file's name and the scanner's problem.
        message = policy.wording[code].format(name=name, problem=problem)
        if policy.field:
            raise ValidationError({policy.field: ValidationError(message, code=code)})
        raise ValidationError(message, code=code)
    if policy.field:
        raise ValidationError({policy.field: ValidationError(problem, code=code)})
    raise ValidationError(f"“{name}”: {problem}", code=code)


# Files read from one request beyond this many are dropped as they stream in and
# arrive empty: no form here takes more than five.
MAX_FILES_PER_REQUEST = 10


def handler_limit() -> int:
    """The most any file may be, for every policy checked behind the default handler."""
    return int(settings.MAX_UPLOAD_BYTES)


class BoundedUploadHandler(FileUploadHandler):
    """Receives uploaded files in memory, keeping at most `limit() + 1` bytes of each.

    Nothing is written to disk, so there is no temporary file to remove when a
    request is interrupted, and memory per request is bounded by the number of
    files times the limit. A file cut short keeps `limit() + 1` bytes, enough for
    `check_bytes`/`read_upload` to refuse it as too large with the app's own
    wording; its `size` is the number of bytes actually sent. Files past
    `max_files` arrive empty. An app with a larger limit of its own (speak-up)
    installs its own handler on its views instead.
    """

    max_files = MAX_FILES_PER_REQUEST

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.files_seen = 0
        self.buffer = io.BytesIO()
        self.received = 0

    def limit(self) -> int:
        return handler_limit()

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)  # type: ignore[arg-type]
        self.files_seen += 1
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.files_seen > self.max_files:
            return None
        room = self.limit() + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        self.buffer.seek(0)
        kept = self.buffer.getbuffer().nbytes
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            # What was sent, so a file cut short is still known to be too large.
            size=self.received if kept else 0,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        # The connection dropped mid-file: let go of what was kept of it.
        self.buffer = io.BytesIO()
