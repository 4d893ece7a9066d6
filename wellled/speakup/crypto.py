"""The cryptography of speak-up cases (PyNaCl / libsodium), after GlobaLeaks.

* Every case has a random 32-byte key. Narrative, messages, attachments and every
  other piece of content are sealed with it (`SecretBox`: XSalsa20-Poly1305 with a
  random nonce per item).
* The case key is stored only wrapped:
  - for each assigned guardian with `SealedBox` to their X25519 public key;
  - for the reporter with a `SecretBox` whose key is derived from the receipt code
    with Argon2id (a server pepper plus a per-case salt);
  - for the optional recovery (escrow) public key, only if the trust configured one.
* A guardian's private key is sealed with a key derived by Argon2id from a passphrase
  only they know. Unlocking puts it in their session, sealed again under a random
  key that lives only in a separate cookie on their browser (`split_for_session`):
  the session store alone, or the cookie alone, reveals nothing.
* Receipt codes carry 125 random bits (25 Crockford base32 characters in five
  groups). The server stores an HMAC of the code for lookup, under a pepper
  independent of the one fed to Argon2id, and the Argon2id-wrapped case key, which
  verifies the code by opening. Neither reveals the code.

Argon2id parameters come from settings so that tests can run fast:
WELLLED_SPEAKUP_ARGON2_OPSLIMIT and WELLLED_SPEAKUP_ARGON2_MEMLIMIT.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from django.conf import settings
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

KEY_SIZE = nacl.secret.SecretBox.KEY_SIZE
SALT_SIZE = nacl.pwhash.argon2id.SALTBYTES
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 25  # 25 x 5 bits = 125 bits
CODE_GROUP = 5

# 0.4 to 0.7 s per derivation on the 2-core bench machine with 128 MiB (bench/speakup.py).
DEFAULT_OPSLIMIT = 6
DEFAULT_MEMLIMIT = 128 * 1024 * 1024


class CryptoError(Exception):
    """A key or ciphertext did not open: wrong code, wrong key, or shredded case."""


def argon2_params() -> tuple[int, int]:
    opslimit = int(getattr(settings, "WELLLED_SPEAKUP_ARGON2_OPSLIMIT", DEFAULT_OPSLIMIT))
    memlimit = int(getattr(settings, "WELLLED_SPEAKUP_ARGON2_MEMLIMIT", DEFAULT_MEMLIMIT))
    opslimit = max(opslimit, nacl.pwhash.argon2id.OPSLIMIT_MIN)
    memlimit = max(memlimit, nacl.pwhash.argon2id.MEMLIMIT_MIN)
    return opslimit, memlimit


def _pepper(purpose: str) -> bytes:
    """A server secret per purpose, from WELLLED_SPEAKUP_PEPPER or else SECRET_KEY."""
    base = str(getattr(settings, "WELLLED_SPEAKUP_PEPPER", "") or settings.SECRET_KEY)
    return hmac.new(base.encode(), f"wellled.speakup.{purpose}".encode(), hashlib.sha256).digest()


def new_case_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_SIZE)


def seal(key: bytes, plaintext: bytes) -> bytes:
    return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))


def open_sealed(key: bytes, ciphertext: bytes | memoryview) -> bytes:
    try:
        return bytes(nacl.secret.SecretBox(key).decrypt(bytes(ciphertext)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise CryptoError("the content did not open with this key") from exc


def seal_text(key: bytes, text: str) -> bytes:
    return seal(key, text.encode("utf-8"))


def open_text(key: bytes, ciphertext: bytes | memoryview | None) -> str:
    if ciphertext is None:
        return ""
    return open_sealed(key, ciphertext).decode("utf-8")


def derive_key(secret: str | bytes, salt: bytes, *, opslimit: int, memlimit: int) -> bytes:
    material = secret.encode("utf-8") if isinstance(secret, str) else secret
    return bytes(
        nacl.pwhash.argon2id.kdf(
            KEY_SIZE, material, bytes(salt), opslimit=opslimit, memlimit=memlimit
        )
    )


# --- Receipt codes ---


def generate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalise_code(typed: str) -> str | None:
    """The canonical 25 characters, or None if this cannot be a code at all."""
    if len(typed) > 100:
        return None
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n").translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def receipt_lookup(code: str) -> str:
    """Where to find the case for a (normalised) code: an HMAC, not the code."""
    return hmac.new(_pepper("receipt-lookup"), code.encode(), hashlib.sha256).hexdigest()


def code_kek(
    code: str, salt: bytes, *, opslimit: int | None = None, memlimit: int | None = None
) -> bytes:
    """The key wrapping a case key for its receipt code; the cost defaults to settings."""
    default_ops, default_mem = argon2_params()
    material = _pepper("receipt-kdf") + code.encode()
    return derive_key(
        material, salt, opslimit=opslimit or default_ops, memlimit=memlimit or default_mem
    )


def wrap_for_code(
    case_key: bytes, code: str, salt: bytes, *, opslimit: int, memlimit: int
) -> bytes:
    return seal(code_kek(code, salt, opslimit=opslimit, memlimit=memlimit), case_key)


def unwrap_with_code(
    wrapped: bytes | memoryview,
    code: str,
    salt: bytes,
    *,
    opslimit: int | None = None,
    memlimit: int | None = None,
) -> bytes:
    return open_sealed(code_kek(code, salt, opslimit=opslimit, memlimit=memlimit), wrapped)


# --- Guardians' key pairs ---


@dataclass(frozen=True)
class GuardianKeyMaterial:
    public_key: bytes
    signing_public_key: bytes
    sealed_private_key: bytes
    salt: bytes
    opslimit: int
    memlimit: int


def new_guardian_key(passphrase: str) -> GuardianKeyMaterial:
    private = PrivateKey.generate()
    salt = new_salt()
    opslimit, memlimit = argon2_params()
    kek = derive_key(passphrase, salt, opslimit=opslimit, memlimit=memlimit)
    return GuardianKeyMaterial(
        public_key=bytes(private.public_key),
        signing_public_key=signing_public_key_of(bytes(private)),
        sealed_private_key=seal(kek, bytes(private)),
        salt=salt,
        opslimit=opslimit,
        memlimit=memlimit,
    )


def unlock_guardian_key(
    passphrase: str,
    *,
    sealed_private_key: bytes | memoryview,
    salt: bytes | memoryview,
    opslimit: int,
    memlimit: int,
) -> bytes:
    """The raw private key, or CryptoError if the passphrase is wrong."""
    kek = derive_key(passphrase, bytes(salt), opslimit=opslimit, memlimit=memlimit)
    return open_sealed(kek, sealed_private_key)


def wrap_for_public_key(case_key: bytes, public_key: bytes | memoryview) -> bytes:
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(case_key))


def unwrap_with_private_key(wrapped: bytes | memoryview, private_key: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private_key)).decrypt(bytes(wrapped)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise CryptoError("the case key did not open with this private key") from exc


def public_key_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


# --- Guardians' signing keys and enrolment certificates ---
#
# Each guardian also has an Ed25519 signing key, derived from their X25519 private
# key (so it needs no storage of its own and exists for keys made before it did).
# Approving a new guardian means signing a statement binding their user id to their
# public keys; a case key is wrapped only for keys whose chain of such signatures
# reaches a root (the trust's first enrolment). See wellled/speakup/enrolment.py.

_SIGNING_CONTEXT = b"wellled.speakup.signing-key.v1"
_STATEMENT_CONTEXT = b"wellled.speakup.guardian-certificate.v1"


def signing_key_of(private_key: bytes) -> SigningKey:
    seed = hashlib.blake2b(bytes(private_key), key=_SIGNING_CONTEXT, digest_size=32).digest()
    return SigningKey(seed)


def signing_public_key_of(private_key: bytes) -> bytes:
    return bytes(signing_key_of(private_key).verify_key)


def certificate_statement(user_id: int, box_public_key: bytes, signing_public_key: bytes) -> bytes:
    """What an approving guardian signs: this user holds these two public keys."""
    return b"\0".join(
        [
            _STATEMENT_CONTEXT,
            str(user_id).encode(),
            bytes(box_public_key),
            bytes(signing_public_key),
        ]
    )


def sign(private_key: bytes, message: bytes) -> bytes:
    return bytes(signing_key_of(private_key).sign(message).signature)


def signature_holds(signing_public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(bytes(signing_public_key)).verify(message, bytes(signature))
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError, TypeError):
        return False
    return True


def fingerprint(public_key: bytes) -> str:
    """Four groups of four hex digits a person can read aloud to compare two keys."""
    digest = hashlib.sha256(bytes(public_key)).hexdigest().upper()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


# --- The guardian's unlocked key in a session ---


def split_for_session(private_key: bytes) -> tuple[str, str]:
    """(cookie value, session value): both are needed to recover the private key."""
    cookie_key = nacl.utils.random(KEY_SIZE)
    blob = seal(cookie_key, private_key)
    return _b64(cookie_key), _b64(blob)


def join_from_session(cookie_value: str, session_value: str) -> bytes:
    try:
        return open_sealed(_unb64(cookie_value), _unb64(session_value))
    except (ValueError, TypeError) as exc:
        raise CryptoError("the session key did not open") from exc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


# --- Keyed, daily-rotated tags for throttling ---


def daily_tag(value: str, day: str) -> str:
    """A keyed hash of value that changes every day and cannot be reversed without
    the server secret; used only as an in-memory bucket key, never stored."""
    day_key = hmac.new(_pepper("throttle"), day.encode(), hashlib.sha256).digest()
    return hmac.new(day_key, value.encode(), hashlib.sha256).hexdigest()[:32]


# --- Epoch keys: the outer layer of every stored wrap (docs/decisions/0008) ---

EPOCH_CHECK = b"wellled.speakup.epoch-check"


def new_epoch_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def seal_under_epoch(epoch_key: bytes, wrap: bytes) -> bytes:
    """The stored form of a wrap: the wrap sealed again under the epoch key."""
    return seal(epoch_key, wrap)


def open_under_epoch(epoch_key: bytes, stored: bytes | memoryview) -> bytes:
    return open_sealed(epoch_key, stored)


def pepper_check() -> str:
    """A fixed string under the speak-up pepper, to tell at start-up that the
    configured pepper (or SECRET_KEY) is the one the database was written with."""
    return hmac.new(_pepper("check"), b"wellled.speakup.pepper-check", hashlib.sha256).hexdigest()
