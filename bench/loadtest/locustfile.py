"""The people `make loadtest` simulates against the demo trust (bench/loadtest/__main__.py).

Runs under locust in its own virtualenv (.venv-loadtest), not in the application's.
Every simulated person sends from an address of their own in 127.0.0.0/8, as people
on their own machines would: the public form and the speak-up routes count sending
per (hashed) address, and one shared address would be refused after a few forms.
Traffic goes to 127.0.0.1 ports only.

There are two app servers (LOADTEST_HOSTS). Each person uses one; when it refuses
the connection (it is being restarted), the request goes to the other, as a load
balancer would, and is counted under "(refused or reset: sent to the other server)"; so
is a GET whose connection was reset before any answer (see `_retried_elsewhere`). Any
other error, and every response of 400 or more, is a failure.
"""

from __future__ import annotations

import html
import os
import random
import re
import time
from typing import Any

from locust import HttpUser, between, events, task
from locust.clients import LocustHttpAdapter

HOSTS = os.environ.get("LOADTEST_HOSTS", "http://127.0.0.1:8781").split(",")
# The demo's published secrets, never a real installation's.
PASSWORD = "wellford-demo-2025"  # noqa: S105 - the demo's published password (wellled/organisation/demo.py)
PASSPHRASE = "demo speak-up passphrase"  # noqa: S105 - the demo guardian's (wellled/speakup/demo.py)
REFUSED = "(refused or reset: sent to the other server)"
JOB_WAIT_SECONDS = 120

# Every request's end time and duration, so the report can give figures for the
# stretch before the first fault and the stretch after recovery in the same run.
SAMPLES = os.environ.get("LOADTEST_SAMPLES")
_samples = open(SAMPLES, "a", buffering=1) if SAMPLES else None  # noqa: SIM115 - open for the run


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any, **_: Any) -> None:
    if _samples is not None:
        failed = 0 if exception is None else 1
        _samples.write(f"{time.time():.3f},{request_type} {name},{response_time:.1f},{failed}\n")


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    return html.unescape(found.group(1)) if found else ""


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', page, re.S)
    if not select:
        return []
    return [value for value in re.findall(r'<option value="([^"]+)"', select.group(0)) if value]


def _links(page: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(rf'href="({pattern})"', page)))


def _retried_elsewhere(method: str, error: object) -> bool:
    """What a load balancer sends to the next server (nginx's `proxy_next_upstream
    error`): a refused connection, which never reached the server, and, for a GET
    only, a connection reset before any answer. A POST reset is not retried: the
    server may have acted on it."""
    text = str(error).lower()
    return "refused" in text or (method == "GET" and "reset by peer" in text)


class FromAddress(LocustHttpAdapter):
    """Connections that leave from one loopback address."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__(pool_manager=None)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


class Person(HttpUser):
    abstract = True
    wait_time = between(2, 8)
    username = ""

    def on_start(self) -> None:
        self.host_index = random.randrange(len(HOSTS))
        self.new_address()
        if self.username:
            self.log_in()

    def new_address(self) -> None:
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        self.client.mount("http://", FromAddress(address))

    def send(self, method: str, path: str, name: str, **kwargs: Any) -> tuple[int, str, str]:
        """One request, to the other server if this one refuses; (status, body, final URL)."""
        for _ in range(len(HOSTS)):
            url = HOSTS[self.host_index] + path
            with self.client.request(method, url, name=name, catch_response=True, **kwargs) as r:
                if r.status_code == 0 and _retried_elsewhere(method, getattr(r, "error", None)):
                    r.request_meta["name"] = REFUSED
                    r.success()
                    self.host_index = (self.host_index + 1) % len(HOSTS)
                    continue
                return r.status_code, r.text or "", str(r.url or "")
        return 0, "", ""

    def get(self, path: str, name: str) -> str:
        return self.send("GET", path, name)[1]

    def post_form(
        self, path: str, name: str, page: str, data: dict[str, str]
    ) -> tuple[int, str, str]:
        token = _CSRF.search(page)
        fields = {"csrfmiddlewaretoken": token.group(1) if token else "", **data}
        return self.send("POST", path, name, data=fields)

    def log_in(self) -> None:
        page = self.get("/account/login/", "/account/login/")
        _, _, landed = self.post_form(
            "/account/login/",
            "/account/login/ (POST)",
            page,
            {"username": self.username, "password": PASSWORD},
        )
        if "/account/login/" in landed:
            raise RuntimeError(f"{self.username} could not log in")


class Caseworker(Person):
    """Complaints handlers and their manager working through the caseload."""

    weight = 15

    def on_start(self) -> None:
        self.username = random.choice(["complaints.handler", "complaints.manager"])
        super().on_start()

    @task(3)
    def open_a_case(self) -> None:
        page = self.get("/complaints/", "/complaints/")
        cases = _links(page, r"/complaints/\d+/")
        if cases:
            self.get(random.choice(cases), "/complaints/<id>/")

    @task(1)
    def measures(self) -> None:
        self.get("/complaints/measures/", "/complaints/measures/")


class BoardMember(Person):
    """The board and executives reading the integrated performance report."""

    weight = 10

    def on_start(self) -> None:
        self.username = random.choice(["board", "executive"])
        super().on_start()

    @task(3)
    def ipr(self) -> None:
        page = self.get("/reports/ipr/", "/reports/ipr/")
        metrics = _links(page, r"/reports/metrics/[\w-]+/")
        if metrics:
            self.get(random.choice(metrics), "/reports/metrics/<slug>/")

    @task(1)
    def home(self) -> None:
        self.get("/", "/")


class Guardian(Person):
    """The Freedom to Speak Up guardian reading cases, once their key is unlocked."""

    weight = 4
    username = "guardian"

    def on_start(self) -> None:
        super().on_start()
        page = self.get("/speak-up/guardian/unlock/", "/speak-up/guardian/unlock/")
        self.post_form(
            "/speak-up/guardian/unlock/",
            "/speak-up/guardian/unlock/ (POST)",
            page,
            {"passphrase": PASSPHRASE},
        )

    @task
    def caseload(self) -> None:
        page = self.get("/speak-up/guardian/", "/speak-up/guardian/")
        cases = _links(page, r"/speak-up/guardian/case/[^/\"]+/")
        if cases:
            self.get(random.choice(cases), "/speak-up/guardian/case/<ref>/")


class MemberOfThePublic(Person):
    """Someone making a complaint on the public form, from their own address."""

    weight = 12
    wait_time = between(5, 15)

    @task
    def complain(self) -> None:
        self.new_address()
        page = self.get("/complaints/make-a-complaint/", "/complaints/make-a-complaint/")
        services = _options(page, "service")
        # People read the form; one sent within three seconds of issue is refused as a bot's.
        time.sleep(random.uniform(3.5, 6))
        status, _, landed = self.post_form(
            "/complaints/make-a-complaint/",
            "/complaints/make-a-complaint/ (POST)",
            page,
            {
                "full_name": "Load Test Person",
                "email": "load.test@example.com",
                "about_you": "self",
                "service": random.choice(services) if services else "",
                "summary": "I waited four hours in the emergency department without an update.",
                "issued": _field(page, "issued"),
                "website": "",
            },
        )
        if status == 200 and "/sent/" not in landed:
            raise RuntimeError("the public complaint form did not send")


class AnonymousSpeakUp(Person):
    """A member of staff raising a concern anonymously."""

    weight = 6
    wait_time = between(10, 20)

    @task
    def raise_a_concern(self) -> None:
        self.new_address()
        page = self.get("/speak-up/anonymous/", "/speak-up/anonymous/")
        groups = re.findall(r'name="worker_group"[^>]*value="([^"]+)"', page)
        self.post_form(
            "/speak-up/anonymous/",
            "/speak-up/anonymous/ (POST)",
            page,
            {
                "narrative": "Night shifts on the ward are regularly short of two nurses.",
                "worker_group": groups[0] if groups else "",
            },
        )


class GovernanceLead(Person):
    """Starts background jobs (a board pack, the audit check) and watches them."""

    # Always one, however few people the run has, so that jobs run during the faults.
    fixed_count = 1
    username = "governance"
    wait_time = between(20, 40)

    def watch(self, landed: str) -> None:
        job = re.search(r"/jobs/[0-9a-f-]{36}/", landed)
        if not job:
            return
        deadline = time.monotonic() + JOB_WAIT_SECONDS
        while time.monotonic() < deadline:
            page = self.get(job.group(0), "/jobs/<id>/")
            if 'hx-trigger="every 2s"' not in page:
                return
            time.sleep(2)

    @task
    def board_pack(self) -> None:
        page = self.get("/reports/board-packs/new/", "/reports/board-packs/new/")
        months = _options(page, "month")
        _, _, landed = self.post_form(
            "/reports/board-packs/new/",
            "/reports/board-packs/new/ (POST)",
            page,
            {"month": months[1] if len(months) > 1 else (months or [""])[0]},
        )
        self.watch(landed)

    @task
    def audit_check(self) -> None:
        page = self.get("/audit/", "/audit/")
        _, _, landed = self.post_form("/audit/verify/", "/audit/verify/ (POST)", page, {})
        self.watch(landed)
