"""`python -m bench.speakup`: the cost of speak-up's cryptography and its caseload page.

Builds a fresh database (SQLite in a temporary directory, or DATABASE_URL, which is
flushed first: never point it at real data) with the test trust, then measures,
with the Argon2id parameters in settings (WELLLED_SPEAKUP_ARGON2_OPSLIMIT and
WELLLED_SPEAKUP_ARGON2_MEMLIMIT, printed):

- one receipt-code derivation (Argon2id) and one guardian passphrase unlock;
- one case unlock: the case key unwrapped with the guardian's X25519 key, and the
  narrative opened;
- anonymous submissions per second through the page, one after another, and the
  Argon2id derivations per second two processes manage on two cores (the ceiling
  for submissions, since each one derives one key);
- the guardian caseload page with 10,000 cases on it, decrypting only the 25
  rows shown: median of 5 requests after a warm-up, target under 300 ms.

The 10,000 cases are written directly with real encryption (as the actions would
seal them) rather than through the actions, which would take minutes of audit
chaining to set up. Prints the figures and exits 1 if the caseload target is missed.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from typing import Any

CASES = 10_000
CASELOAD_TARGET_MS = 300
REPEATS = 5
SUBMISSIONS = 10
PASSPHRASE = "bench guardian passphrase"  # noqa: S105 - a throwaway bench key


def _setup() -> None:
    var_dir = tempfile.mkdtemp(prefix="wellled-bench-speakup-")
    os.environ.setdefault("WELLLED_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellled.settings")
    os.environ["WELLLED_REQUIRE_2FA"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def _timed(fn: object, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _derive_once(_: int) -> float:
    from wellled.speakup import crypto

    code = crypto.normalise_code(crypto.generate_code()) or ""
    started = time.perf_counter()
    crypto.code_kek(code, crypto.new_salt())
    return time.perf_counter() - started


def _bulk_cases(guardian_public: bytes, guardian_id: int) -> None:
    from django.utils import timezone

    from wellled.speakup import crypto, epochs
    from wellled.speakup.models import Case, CaseKey, KeyHolder, monday_of

    today = timezone.localdate()
    batch: list[Case] = []
    keys: list[CaseKey] = []
    for n in range(CASES):
        key = crypto.new_case_key()
        week = monday_of(today - datetime.timedelta(days=n % 700))
        case = Case(
            reference=f"SU-B{n:06d}",
            route=("open", "confidential", "anonymous")[n % 3],
            disclosure=("open", "confidential", "anonymous")[n % 3],
            received_week=week,
            updated_week=week,
            status=("received", "triaged", "in_progress", "closed")[n % 4],
            sealed_summary=crypto.seal_text(key, f"Bench concern number {n} about rotas"),
            sealed_narrative=crypto.seal_text(key, "A longer narrative. " * 40),
        )
        batch.append(case)
        keys.append(
            CaseKey(
                case=case,
                holder=KeyHolder.GUARDIAN,
                guardian_id=guardian_id,
                # Sealed under the epoch key as every stored wrap is.
                **epochs.seal_wrap(crypto.wrap_for_public_key(key, guardian_public)),
            )
        )
    Case.objects.bulk_create(batch, batch_size=500)
    CaseKey.objects.bulk_create(keys, batch_size=500)


def _enrol_guardian() -> Any:
    """The test trust's guardian, with a key, approved as the trust's first guardian;
    returns the guardian."""
    from wellled.core.testing import add_personas, build_trust
    from wellled.organisation import actions as org
    from wellled.organisation.models import Role, RoleAssignment
    from wellled.speakup import actions, enrolment

    trust = add_personas(build_trust())
    guardian = trust.people["guardian"]
    actions.set_up_guardian_key(acting_user=guardian, passphrase=PASSPHRASE, confirm=PASSPHRASE)
    # Enrolled as a trust enrols its first guardian, so new cases are sent to them.
    executive = trust.people["executive"]
    org.grant_role(
        acting_user=None, user=executive, role=Role.FTSU_EXECUTIVE_LEAD, unit=trust.trust
    )
    grant = RoleAssignment.objects.get(user=guardian, role=Role.FTSU_GUARDIAN)
    for approver in (executive, trust.people["board_member"]):
        enrolment.approve_first_guardian(acting_user=approver, grant=grant)
    return guardian


def _time_keys(guardian: Any) -> bytes:
    """The certificate check, a code derivation and a passphrase unlock; returns the
    guardian's private key."""
    from wellled.speakup import actions, enrolment

    chain = _timed(enrolment.trusted_guardian_keys, 20)
    print(f"approved guardians' certificate check (each new case): {chain * 1000:.2f} ms")

    derivation = statistics.median(_derive_once(i) for i in range(3))
    print(f"one receipt-code derivation: {derivation * 1000:.0f} ms")
    unlock = _timed(
        lambda: actions.unlock_guardian_key(acting_user=guardian, passphrase=PASSPHRASE)
    )
    print(f"one guardian key unlock (passphrase): {unlock * 1000:.0f} ms")
    return actions.unlock_guardian_key(acting_user=guardian, passphrase=PASSPHRASE)


def _time_submissions() -> None:
    """Anonymous submissions through the page, then the two-process derivation ceiling."""
    from django.test import Client

    client = Client()
    started = time.perf_counter()
    for n in range(SUBMISSIONS):
        client.post("/speak-up/anonymous/", {"narrative": f"Bench submission {n}"})
    elapsed = time.perf_counter() - started
    print(f"anonymous submissions through the page, one at a time: {SUBMISSIONS / elapsed:.1f}/s")
    with multiprocessing.get_context("fork").Pool(2) as pool:
        started = time.perf_counter()
        pool.map(_derive_once, range(8))
        parallel = 8 / (time.perf_counter() - started)
    print(f"Argon2id derivations on 2 processes (submission ceiling): {parallel:.1f}/s")


def _time_case_unlock(guardian: Any, private: bytes) -> None:
    from wellled.speakup import actions, crypto
    from wellled.speakup.models import Case

    case = Case.objects.order_by("received_week").first()
    assert case is not None

    def open_one() -> None:
        ctx = actions.open_case(acting_user=guardian, case=case, private_key=private)
        crypto.open_text(ctx.case_key, case.sealed_narrative)

    print(f"one case unlock (unwrap + narrative): {_timed(open_one, 20) * 1000:.2f} ms")


def _time_caseload(guardian: Any) -> float:
    """The guardian's caseload page over 10,000 more cases; returns the median ms."""
    from django.test import Client

    from wellled.speakup.models import Case, GuardianKey

    key = GuardianKey.objects.get(user=guardian)
    _bulk_cases(bytes(key.public_key), guardian.pk)
    total = Case.objects.count()
    guardian_client = Client()
    guardian_client.force_login(guardian)
    guardian_client.post("/speak-up/guardian/unlock/", {"passphrase": PASSPHRASE})
    url = "/speak-up/guardian/?status=all"
    assert guardian_client.get(url).status_code == 200
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = guardian_client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    median = statistics.median(times)
    verdict = "ok" if median < CASELOAD_TARGET_MS else "OVER TARGET"
    print(
        f"caseload page with {total:,} cases: median {median:.0f} ms "
        f"(target {CASELOAD_TARGET_MS} ms) {verdict}"
    )
    return median


def main() -> int:
    _setup()
    from django.conf import settings

    from wellled.speakup import crypto

    opslimit, memlimit = crypto.argon2_params()
    print(f"Argon2id: opslimit={opslimit}, memlimit={memlimit // (1024 * 1024)} MiB")
    guardian = _enrol_guardian()
    private = _time_keys(guardian)
    _time_submissions()
    _time_case_unlock(guardian, private)
    median = _time_caseload(guardian)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    return 0 if median < CASELOAD_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
