"""Optional virus scanning of uploads with ClamAV, through clamd's INSTREAM command.

Off when the setting ``WELLLED_CLAMD`` is empty. Otherwise it names the clamd socket,
``unix:/run/clamav/clamd.ctl`` or ``tcp:host:port``, and every upload is streamed to
it before it is kept. If clamd cannot give a clear answer (down, slow, refusing the
size) the upload is refused rather than accepted unscanned.
"""

from __future__ import annotations

import logging
import socket
import struct

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
DEFAULT_TIMEOUT = 30
MAX_REPLY_BYTES = 4096

VIRUS_MESSAGE = "This file contains a virus ({name}) and was not saved"
UNAVAILABLE_MESSAGE = "Files cannot be checked for viruses at the moment; try again later"


class ScanUnavailable(Exception):
    """clamd could not be reached or gave no clear answer."""


class VirusFound(Exception):
    """clamd found something: ``name`` is the signature it matched."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _address() -> str:
    return str(getattr(settings, "WELLLED_CLAMD", "") or "").strip()


def _timeout() -> float:
    return float(getattr(settings, "WELLLED_CLAMD_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)


def _connect(address: str, timeout: float) -> socket.socket:
    scheme, _, rest = address.partition(":")
    if scheme == "unix" and rest:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(rest)
        except BaseException:
            sock.close()
            raise
        return sock
    if scheme == "tcp":
        host, _, port = rest.rpartition(":")
        if host and port.isdigit():
            return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    raise ScanUnavailable("WELLLED_CLAMD must be unix:/path/to/clamd.ctl or tcp:host:port")


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
        chunk = sock.recv(1024)
        if not chunk:
            break
        reply += chunk
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def scan(data: bytes) -> None:
    """Return if clamd says the bytes are clean (or scanning is off).

    Raises VirusFound with the signature name, or ScanUnavailable when there is
    no clear answer.
    """
    address = _address()
    if not address:
        return
    try:
        with _connect(address, _timeout()) as sock:
            sock.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(view), CHUNK_BYTES):
                chunk = view[start : start + CHUNK_BYTES]
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = _read_reply(sock)
    except ScanUnavailable:
        logger.warning("Virus scanning is misconfigured: check WELLLED_CLAMD")
        raise
    except (OSError, ValueError) as error:  # socket.timeout is an OSError
        logger.warning("Virus scanner unavailable: %s", type(error).__name__)
        raise ScanUnavailable(type(error).__name__) from error
    if reply == "stream: OK":
        return
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        name = reply[len("stream: ") : -len(" FOUND")].strip()
        if name:
            raise VirusFound(name)
    logger.warning("Virus scanner gave an unexpected answer")
    raise ScanUnavailable("unexpected answer from clamd")


def scan_problem(data: bytes) -> str | None:
    """The message to show a user if these bytes must not be kept, else None."""
    try:
        scan(data)
    except VirusFound as found:
        return VIRUS_MESSAGE.format(name=found.name)
    except ScanUnavailable:
        return UNAVAILABLE_MESSAGE
    return None
