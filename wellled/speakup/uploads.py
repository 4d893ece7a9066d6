"""Checking and cleaning evidence files before they are sealed.

The check is the trust's one upload check (`core.uploads`) under speak-up's
`POLICY`: the type is read from the bytes, never trusted from the name or the
browser, and the name's extension must agree with it; pictures are also held to a
pixel limit, and names are kept as the reporter gave them (they are sealed). Metadata stripping is
optional and needs the reporter's consent, because metadata can also be evidence:
images are redrawn from their pixels (dropping EXIF, GPS, XMP and comments) and
PDFs lose their document information dictionary and XMP stream.

Limits are checked before anything costly: `SpeakUpUploadHandler` counts files
and bytes as the request streams in and keeps none past a limit (each refused
file becomes an empty marker saying why, so the form can say so and keep what was
typed), and an image's pixel count is read from its header before any decoding.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from PIL import Image

from wellled.core.uploads import CheckedFile, FilePolicy, check_bytes, size_label

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = 25_000_000
MAX_FILES = 5
# The text fields' share of a request, beside its files.
FORM_ALLOWANCE_BYTES = 1024 * 1024
REFUSED = "speakup_refused"

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


def max_image_pixels() -> int:
    return int(getattr(settings, "WELLLED_SPEAKUP_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def max_request_bytes() -> int:
    return MAX_FILES * max_bytes() + FORM_ALLOWANCE_BYTES


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g} million pixels"


def _clean_name(name: str) -> str:
    """The name as the reporter gave it, without any folder: it is sealed with the
    file and shown only to the guardians and the reporter."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:120] or "file"


def _inspect(checked: CheckedFile) -> None:
    if checked.media_type.startswith("image/"):
        _check_pixels(checked.name, checked.data)


POLICY = FilePolicy(
    types=ALLOWED,
    described_as=ALLOWED_DESCRIPTION,
    max_bytes=max_bytes,
    name_cleaner=_clean_name,
    inspect=_inspect,
    wording={
        "too_large": "“{name}” is larger than {limit}: "
        "send a smaller copy or a photo of the page instead",
        "bad_type": "“{name}” is not a file type we accept. Send a {allowed} file",
        "disguised": "“{name}” is named as a different type from what it contains "
        "(its content is {actual}). Rename it or send the original file",
    },
)


def check_file(name: str, data: bytes) -> CheckedFile:
    """A file that is what it says and small enough, or a ValidationError saying why."""
    return check_bytes(name, data, POLICY)


def _check_pixels(clean: str, data: bytes) -> None:
    """Refuse a picture with too many pixels, from its header alone: decoding one
    (to remove its metadata) costs memory in proportion to its pixels, and a tiny
    file can declare a huge picture."""
    limit = max_image_pixels()
    too_big = ValidationError(
        f"“{clean}” is too big a picture: at most {_megapixels(limit)}. "
        "Send a smaller copy or a screenshot instead",
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check (Image.MAX_IMAGE_PIXELS) runs in open().
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except Exception:  # not a picture Pillow can read: say so, lose nothing else
        raise ValidationError(
            f"“{clean}” could not be read as a picture: it may be damaged", code="damaged"
        ) from None
    if width * height > limit:
        raise too_big


def refusals(files: Sequence[Any]) -> list[str]:
    """Why the upload handler refused any of these files (empty if it did not)."""
    problems: list[str] = []
    if len(files) > MAX_FILES:
        problems.append(f"Send at most {MAX_FILES} files at a time: you chose {len(files)}")
    for upload in files:
        code, message = getattr(upload, REFUSED, None) or ("", "")
        if code and code != "too_many" and message not in problems:
            problems.append(message)
    return problems


def strip_metadata(checked: CheckedFile) -> CheckedFile:
    """A copy without embedded metadata, where the type allows; else unchanged."""
    if checked.media_type.startswith("image/"):
        return CheckedFile(checked.name, checked.media_type, _strip_image(checked))
    if checked.media_type == "application/pdf":
        return CheckedFile(checked.name, checked.media_type, _strip_pdf(checked.data))
    return checked


def _strip_image(checked: CheckedFile) -> bytes:
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
    # pypdf is loaded only when a reporter asks for a PDF's metadata to be removed.
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


class SpeakUpUploadHandler(FileUploadHandler):
    """Keeps uploads in memory only (never in a temporary file on disk), and keeps
    no byte past a limit: a request larger than every file allowed together, a file
    past the number allowed, or a file past the size allowed is read from the
    connection and dropped as it comes, and becomes an empty marker saying why.
    With `refuse_all` (a client over its limit) every file is dropped so."""

    def __init__(self, request: Any = None, *, refuse_all: bool = False) -> None:
        super().__init__(request)
        self.refuse_all = refuse_all
        self.files_seen = 0
        self.body_too_large = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length > max_request_bytes():
            self.body_too_large = True
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = io.BytesIO()
        name = _clean_name(str(self.file_name or ""))
        self.refused: tuple[str, str] | None = None
        if self.refuse_all:
            self.refused = ("not_read", f"“{name}” was not received: choose it again")
        elif self.body_too_large:
            self.refused = (
                "body_too_large",
                f"Your files add up to more than {size_label(max_request_bytes())}: send at "
                f"most {MAX_FILES} files of up to {size_label(max_bytes())} each",
            )
        elif self.files_seen > MAX_FILES:
            self.refused = ("too_many", f"Send at most {MAX_FILES} files at a time")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.refused:
            return None
        if self.buffer.tell() + len(raw_data) > max_bytes():
            name = _clean_name(str(self.file_name or ""))
            self.refused = (
                "too_large",
                f"“{name}” is larger than {size_label(max_bytes())}: "
                "send a smaller copy or a photo of the page instead",
            )
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
        setattr(upload, REFUSED, self.refused)
        return upload


def install_handler(request: Any, *, refuse_all: bool = False) -> None:
    """Before the body is read: only SpeakUpUploadHandler sees the files."""
    request.upload_handlers = [SpeakUpUploadHandler(request, refuse_all=refuse_all)]
