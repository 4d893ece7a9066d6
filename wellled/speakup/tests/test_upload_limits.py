"""Use case: someone sends pictures and files with a concern. Count, size and pixel
limits are checked as the request streams in and from each picture's header,
before anything is kept or decoded; a refusal says which limit, saves nothing and
keeps what was typed."""

from __future__ import annotations

import struct
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image, ImageFile

from wellled.speakup import uploads
from wellled.speakup.models import Attachment, Case
from wellled.speakup.tests.url_access import PNG

NARRATIVE = "The night shift on ward 7 is left with one nurse."


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int = 8000) -> bytes:
    """A greyscale PNG of side x side black pixels: a few dozen KB of file that
    would take side² bytes (and more) of memory to decode."""
    squeeze = zlib.compressobj(9)
    row = b"\0" * (side + 1)  # filter byte, then the row
    body = b"".join(squeeze.compress(row) for _ in range(side)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object, *args: object) -> None:
        raise AssertionError("a picture was decoded")

    monkeypatch.setattr(Image.Image, "load", refuse)
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def _post(client: Client, files: list[SimpleUploadedFile], **fields: str) -> str:
    response = client.post(
        "/speak-up/anonymous/",
        {"narrative": NARRATIVE, "strip_metadata": "on", "files": files, **fields},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert NARRATIVE in page, "what was typed is shown again"
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    return page


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(
    trust, no_decoding
) -> None:
    bomb = bomb_png()
    assert len(bomb) < 200 * 1024
    started = time.monotonic()
    page = _post(Client(), [SimpleUploadedFile("ward.png", bomb)])
    assert time.monotonic() - started < 2
    assert "“ward.png” is too big a picture: at most 25 million pixels" in page


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_MAX_IMAGE_PIXELS=10_000)
def test_the_pixel_limit_is_a_setting_and_a_picture_within_it_is_kept() -> None:
    with pytest.raises(ValidationError, match=r"at most 0\.01 million pixels"):
        uploads.check_file("big.png", bomb_png(101))
    assert uploads.check_file("small.png", bomb_png(100)).media_type == "image/png"
    assert uploads.check_file("tiny.png", PNG).media_type == "image/png"


@pytest.mark.django_db
def test_six_files_are_refused_and_nothing_is_saved(trust) -> None:
    files = [SimpleUploadedFile(f"p{n}.png", PNG) for n in range(6)]
    page = _post(Client(), files)
    assert "Send at most 5 files at a time: you chose 6" in page


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_MAX_UPLOAD_BYTES=2048)
def test_an_oversized_file_is_refused_naming_the_limit(trust) -> None:
    page = _post(Client(), [SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"x" * 5000)])
    assert "“scan.pdf” is larger than 2 KB" in page


@pytest.mark.django_db
@override_settings(WELLLED_SPEAKUP_SUBMISSIONS_PER_HOUR=1)
def test_a_refused_upload_counts_against_the_submission_limit(trust) -> None:
    client = Client(REMOTE_ADDR="192.0.2.70")
    _post(client, [SimpleUploadedFile(f"p{n}.png", PNG) for n in range(6)])
    again = client.post("/speak-up/anonymous/", {"narrative": NARRATIVE})
    assert again.status_code == 429
    assert NARRATIVE in again.content.decode()
    assert Case.objects.count() == 0


def test_the_handler_keeps_no_bytes_of_a_file_past_a_limit() -> None:
    def stream(handler: uploads.SpeakUpUploadHandler, name: str, size: int) -> object:
        handler.new_file("files", name, "image/png", size)
        handler.receive_data_chunk(b"x" * size, 0)
        return handler.file_complete(size)

    handler = uploads.SpeakUpUploadHandler()
    handler.handle_raw_input(None, {}, 1000, b"", None)
    kept = [stream(handler, f"p{n}.png", 100) for n in range(6)]
    assert [upload.size for upload in kept] == [100] * 5 + [0]  # type: ignore[attr-defined]
    assert getattr(kept[5], uploads.REFUSED)[0] == "too_many"

    big = uploads.SpeakUpUploadHandler()
    big.handle_raw_input(None, {}, uploads.max_request_bytes() + 1, b"", None)
    upload = stream(big, "p.png", 100)
    assert upload.size == 0  # type: ignore[attr-defined]
    assert uploads.refusals([upload])[0].startswith("Your files add up to more than")


@pytest.mark.django_db
def test_the_api_refuses_six_files_with_the_same_message(trust) -> None:
    response = Client().post(
        "/api/v1/speak-up/anonymous/concerns/",
        {"narrative": NARRATIVE, "files": [SimpleUploadedFile(f"p{n}.png", PNG) for n in range(6)]},
    )
    assert response.status_code == 400
    assert response.json() == {"files": ["Send at most 5 files at a time: you chose 6"]}
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_the_api_refuses_an_oversized_json_body_before_reading_it(trust, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post(
        "/api/v1/speak-up/anonymous/concerns/",
        {"narrative": "x" * 2000},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert Case.objects.count() == 0
