"""Checking and cleaning evidence files before they are sealed.

The type is read from the bytes (`filetype`), never trusted from the name or the
browser, and the name's extension must agree with it. Metadata stripping is
optional and needs the reporter's consent, because metadata can also be evidence:
images are redrawn from their pixels (dropping EXIF, GPS, XMP and comments) and
PDFs lose their document information dictionary and XMP stream.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from wellled.core import scanning

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

# Detected media type -> the extensions a name may carry for it.
ALLOWED: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
}
ALLOWED_DESCRIPTION = "JPEG, PNG, GIF, WebP, PDF or Word (.docx)"


def max_bytes() -> int:
    return int(getattr(settings, "WELLLED_SPEAKUP_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    media_type: str
    data: bytes


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:120] or "file"


def check_file(name: str, data: bytes) -> CheckedFile:
    """A file that is what it says and small enough, or a ValidationError saying why."""
    clean = _clean_name(name)
    limit = max_bytes()
    if len(data) > limit:
        raise ValidationError(
            f"“{clean}” is larger than {limit // (1024 * 1024)} MB: "
            "send a smaller copy or a photo of the page instead",
            code="too_large",
        )
    if not data:
        raise ValidationError(f"“{clean}” is empty", code="empty")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError(
            f"“{clean}” is not a file type we accept. Send a {ALLOWED_DESCRIPTION} file",
            code="bad_type",
        )
    extension = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if extension not in ALLOWED[kind.mime]:
        raise ValidationError(
            f"“{clean}” is named as a different type from what it contains "
            f"(its content is {kind.extension.upper()}). Rename it or send the original file",
            code="disguised",
        )
    try:
        scanning.scan(data)
    except scanning.VirusFound as found:
        raise ValidationError(
            f"“{clean}”: " + scanning.VIRUS_MESSAGE.format(name=found.name), code="virus"
        ) from None
    except scanning.ScanUnavailable:
        raise ValidationError(
            f"“{clean}”: " + scanning.UNAVAILABLE_MESSAGE, code="scan_unavailable"
        ) from None
    return CheckedFile(name=clean, media_type=kind.mime, data=data)


def read_upload(upload: UploadedFile) -> CheckedFile:
    if getattr(upload, "speakup_too_large", False):
        raise ValidationError(
            f"“{_clean_name(upload.name or '')}” is larger than "
            f"{max_bytes() // (1024 * 1024)} MB: send a smaller copy",
            code="too_large",
        )
    data = upload.read()
    return check_file(upload.name or "file", data)


def strip_metadata(checked: CheckedFile) -> CheckedFile:
    """A copy without embedded metadata, where the type allows; else unchanged."""
    if checked.media_type.startswith("image/"):
        return CheckedFile(checked.name, checked.media_type, _strip_image(checked))
    if checked.media_type == "application/pdf":
        return CheckedFile(checked.name, checked.media_type, _strip_pdf(checked.data))
    return checked


def _strip_image(checked: CheckedFile) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(checked.data)) as image:
        image.load()
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
        if image.mode == "P" and image.getpalette():
            clean.putpalette(image.getpalette() or [])
        out = io.BytesIO()
        format_name = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}.get(
            checked.media_type, "WEBP"
        )
        clean.save(out, format=format_name)
        return out.getvalue()


def _strip_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.metadata = None
    root = writer._root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class LimitedMemoryUploadHandler(FileUploadHandler):
    """Keeps uploads in memory only (never in a temporary file on disk), and stops
    reading a file once it passes the size limit, marking it too large."""

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)  # type: ignore[arg-type]
        self.buffer = io.BytesIO()
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.too_large:
            return None
        if self.buffer.tell() + len(raw_data) > max_bytes():
            self.too_large = True
            self.buffer = io.BytesIO()
            return None
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        self.buffer.seek(0)
        upload = InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.buffer.getbuffer().nbytes,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        upload.speakup_too_large = self.too_large  # type: ignore[attr-defined]
        return upload
