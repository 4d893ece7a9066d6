"""Optional virus scanning through clamd's INSTREAM protocol, against a fake clamd."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import struct
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from wellled.core import scanning
from wellled.core.scanning import ScanUnavailable, VirusFound

# Built in pieces so that this source file is not itself taken for the test virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INFECTED_PDF = PDF + EICAR + b"\n"
VIRUS_TEXT = "This file contains a virus (Eicar-Signature) and was not saved"


@dataclass
class FakeClamd:
    """Answers like clamd: ``detect`` (FOUND if the EICAR string is in the stream),
    ``early`` (hangs up before reading the file), ``close`` (hangs up after it without
    answering), ``hang`` (never answers), ``garbage`` (answers an error)."""

    mode: str = "detect"
    family: int = socket.AF_UNIX
    address: str = ""
    received: list[bytes] = field(default_factory=list)
    connections: int = 0

    def start(self) -> None:
        self._stop = threading.Event()
        self._dir = ""
        if self.family == socket.AF_UNIX:
            self._dir = tempfile.mkdtemp(prefix="clamd", dir="/tmp")
            path = os.path.join(self._dir, "clamd.ctl")
            self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._server.bind(path)
            self.address = f"unix:{path}"
        else:
            self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._server.bind(("127.0.0.1", 0))
            self.address = f"tcp:127.0.0.1:{self._server.getsockname()[1]}"
        self._server.listen(4)
        self._server.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):
                    self._answer(conn)

    def _read_exactly(self, conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionError("client hung up")
            data += chunk
        return data

    def _answer(self, conn: socket.socket) -> None:
        command = self._read_exactly(conn, len(b"zINSTREAM\0"))
        assert command == b"zINSTREAM\0", command
        if self.mode == "early":
            return
        stream = b""
        while True:
            (length,) = struct.unpack(">I", self._read_exactly(conn, 4))
            if length == 0:
                break
            stream += self._read_exactly(conn, length)
        self.received.append(stream)
        if self.mode == "close":
            return
        if self.mode == "hang":
            self._stop.wait(5)
            return
        if self.mode == "garbage":
            conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif EICAR in stream:
            conn.sendall(b"stream: Eicar-Signature FOUND\0")
        else:
            conn.sendall(b"stream: OK\0")


def _clamd(mode: str = "detect", family: int = socket.AF_UNIX) -> Iterator[FakeClamd]:
    server = FakeClamd(mode=mode, family=family)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clamd() -> Iterator[FakeClamd]:
    yield from _clamd()


@pytest.fixture
def clamd_tcp() -> Iterator[FakeClamd]:
    yield from _clamd(family=socket.AF_INET)


# The protocol ----------------------------------------------------------------------


@pytest.mark.parametrize("server", ["clamd", "clamd_tcp"])
def test_a_clean_file_passes_and_arrives_whole(request: pytest.FixtureRequest, server: str) -> None:
    fake: FakeClamd = request.getfixturevalue(server)
    data = os.urandom(scanning.CHUNK_BYTES * 2 + 123)  # several chunks
    with override_settings(WELLLED_CLAMD=fake.address):
        scanning.scan(data)
    assert fake.received == [data]


@pytest.mark.parametrize("server", ["clamd", "clamd_tcp"])
def test_an_infected_file_raises_virus_found_with_its_name(
    request: pytest.FixtureRequest, server: str
) -> None:
    fake: FakeClamd = request.getfixturevalue(server)
    with override_settings(WELLLED_CLAMD=fake.address), pytest.raises(VirusFound) as found:
        scanning.scan(INFECTED_PDF)
    assert found.value.name == "Eicar-Signature"
    with override_settings(WELLLED_CLAMD=fake.address):
        assert scanning.scan_problem(INFECTED_PDF) == VIRUS_TEXT


@pytest.mark.parametrize("mode", ["early", "close", "garbage"])
def test_no_clear_answer_means_unavailable(mode: str) -> None:
    data = PDF + os.urandom(4 * 1024 * 1024)  # more than the socket buffers hold
    for fake in _clamd(mode):
        with override_settings(WELLLED_CLAMD=fake.address):
            with pytest.raises(ScanUnavailable):
                scanning.scan(data)
            assert scanning.scan_problem(data) == scanning.UNAVAILABLE_MESSAGE
        assert fake.connections == 2
        assert fake.received == ([] if mode == "early" else [data, data])


def test_a_scanner_that_never_answers_times_out() -> None:
    for fake in _clamd("hang"):
        settings = override_settings(WELLLED_CLAMD=fake.address, WELLLED_CLAMD_TIMEOUT=0.3)
        with settings, pytest.raises(ScanUnavailable):
            scanning.scan(PDF)


def test_a_scanner_that_is_not_there_is_unavailable() -> None:
    gone = tempfile.mkdtemp(prefix="clamd", dir="/tmp")
    try:
        for address in [f"unix:{gone}/missing.ctl", "tcp:127.0.0.1:1", "clamd.example.org"]:
            with override_settings(WELLLED_CLAMD=address), pytest.raises(ScanUnavailable):
                scanning.scan(PDF)
    finally:
        shutil.rmtree(gone)


def test_with_the_setting_empty_no_connection_is_attempted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("no connection should be made")

    monkeypatch.setattr(scanning.socket, "socket", refuse)
    monkeypatch.setattr(scanning.socket, "create_connection", refuse)
    for value in ["", "  "]:
        with override_settings(WELLLED_CLAMD=value):
            scanning.scan(INFECTED_PDF)
            assert scanning.scan_problem(INFECTED_PDF) is None


# Every upload path refuses an infected file and keeps nothing ------------------------


@pytest.mark.django_db
def test_a_complaint_attachment_with_a_virus_is_refused(trust, api_for, clamd) -> None:
    from wellled.complaints.models import Attachment
    from wellled.complaints.tests.support import record
    from wellled.complaints.tests.test_api import detail

    case = record(trust)
    with override_settings(WELLLED_CLAMD=clamd.address):
        response = api_for("complaints_handler").post(
            detail(case, "attachments/"),
            {"attachment": SimpleUploadedFile("scan.pdf", INFECTED_PDF)},
            format="multipart",
        )
    assert response.status_code == 400
    assert VIRUS_TEXT in response.json()["attachment"][0]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_complaint_attachment_is_refused_when_the_scanner_is_down(trust, api_for) -> None:
    from wellled.complaints.models import Attachment
    from wellled.complaints.tests.support import record
    from wellled.complaints.tests.test_api import detail

    case = record(trust)
    for fake in _clamd("close"):
        with override_settings(WELLLED_CLAMD=fake.address):
            response = api_for("complaints_handler").post(
                detail(case, "attachments/"),
                {"attachment": SimpleUploadedFile("scan.pdf", PDF)},
                format="multipart",
            )
    assert response.status_code == 400
    assert scanning.UNAVAILABLE_MESSAGE in response.json()["attachment"][0]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_speak_up_file_with_a_virus_is_refused(trust, clamd) -> None:
    from wellled.speakup.models import Attachment, Case

    upload = SimpleUploadedFile("rota.pdf", INFECTED_PDF, content_type="application/pdf")
    with override_settings(WELLLED_CLAMD=clamd.address):
        response = Client().post(
            "/speak-up/anonymous/", {"narrative": "See file", "files": [upload]}
        )
    assert response.status_code == 200
    assert VIRUS_TEXT in response.content.decode()
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_assurance_evidence_with_a_virus_is_refused(trust, clamd) -> None:
    from wellled.assurance.models import EvidenceItem
    from wellled.assurance.tests.support import evidence, upload

    for name, data in [("minutes.pdf", INFECTED_PDF), ("notes.txt", EICAR)]:
        settings = override_settings(WELLLED_CLAMD=clamd.address)
        with settings, pytest.raises(ValidationError) as caught:
            evidence(trust, kind="document", upload=upload(name, data))
        assert caught.value.message_dict["file"] == [VIRUS_TEXT]
    assert not EvidenceItem.objects.exists()
    assert len(clamd.received) == 2


@pytest.mark.django_db
def test_action_evidence_with_a_virus_is_refused(trust, clamd) -> None:
    """An improvement action's completion evidence goes to the library, scanned."""
    from wellled.improvement import actions
    from wellled.improvement.models import ActionEvidence
    from wellled.inspections.tests.support import planned

    plan = planned(trust)
    settings = override_settings(WELLLED_CLAMD=clamd.address)
    with settings, pytest.raises(ValidationError) as caught:
        actions.add_evidence(
            acting_user=None,
            action=plan,
            kind="document",
            title="Minutes",
            statement_ids=["learning-improvement-and-innovation"],
            upload=SimpleUploadedFile("minutes.pdf", INFECTED_PDF),
        )
    assert caught.value.message_dict["file"] == [VIRUS_TEXT]
    assert not ActionEvidence.objects.exists()


@pytest.mark.django_db
def test_a_clean_action_file_is_kept_when_scanning_is_on(trust, clamd) -> None:
    from wellled.improvement import actions
    from wellled.improvement.models import ActionEvidence
    from wellled.inspections.tests.support import planned

    plan = planned(trust)
    with override_settings(WELLLED_CLAMD=clamd.address):
        actions.add_evidence(
            acting_user=None,
            action=plan,
            kind="document",
            title="Minutes",
            statement_ids=["learning-improvement-and-innovation"],
            upload=SimpleUploadedFile("minutes.pdf", PDF),
        )
    assert ActionEvidence.objects.count() == 1
    assert clamd.received == [PDF]
