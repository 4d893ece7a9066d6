"""Every page, as every persona, in a real browser: no serious or critical axe-core
violation, no Content-Security-Policy violation, and a page title and one h1."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings

from tests.test_url_permissions import SAMPLES
from tests.url_catalogue import all_routes, resolve
from wellled.core.testing import PERSONAS

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}
# POST-only or non-HTML endpoints.
NOT_PAGES = ("accounts:logout", "api-schema", "healthz")


def _audit_page(page, url: str, seen: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    # Ask first, with the page's cookies: Chromium will not render an empty 405.
    probe = page.request.get(url)
    if probe.status != 200 or "text/html" not in (probe.headers.get("content-type") or ""):
        return problems
    response = page.goto(url)
    if response is None or response.status != 200:
        return problems
    # Redirects (to the login page, say) land on pages already checked.
    final = page.url.split("?")[0]
    if final in seen:
        return problems
    seen.add(final)
    if "text/html" not in (response.headers.get("content-type") or ""):
        return problems
    if not page.title().strip():
        problems.append(f"{url}: no <title>")
    if page.locator("h1").count() != 1 and not url.startswith("/api/"):
        problems.append(f"{url}: {page.locator('h1').count()} h1 elements, expected 1")
    results = AXE.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = "; ".join(str(node["target"]) for node in violation["nodes"][:3])
            problems.append(f"{url}: axe {violation['impact']} {violation['id']}: {targets}")
    csp = [e for e in page.console_errors if "Content Security Policy" in e]
    problems.extend(f"{url}: {error}" for error in csp)
    page.console_errors.clear()
    return problems


@pytest.mark.django_db(transaction=True)
@override_settings(WELLLED_REQUIRE_2FA=False)
@pytest.mark.parametrize("persona", [*PERSONAS, "operator", "anonymous"])
def test_every_page_is_accessible(persona: str, trust, page_as) -> None:  # type: ignore[no-untyped-def]
    user = None if persona == "anonymous" else trust.people[persona]
    # Every sample first: on SQLite, writing them while the live server answers the
    # browser (a job page polling for progress, say) would meet a locked table.
    urls = [resolve(route, SAMPLES, trust) for route in all_routes() if route.name not in NOT_PAGES]
    page = page_as(user)
    problems: list[str] = []
    seen: set[str] = set()
    for url in urls:
        problems.extend(_audit_page(page, url, seen))
    assert len(urls) > 5
    assert problems == []


@pytest.mark.django_db(transaction=True)
@override_settings(WELLLED_REQUIRE_2FA=False)
def test_the_caseload_searched_and_the_triage_pages_are_accessible(trust, page_as) -> None:  # type: ignore[no-untyped-def]
    """The states the walk above does not reach: a search with its sorted headers and
    saved filters, and a triage queue and rules page with rows in them."""
    from wellled.complaints import actions
    from wellled.complaints.tests.support import complainant

    manager = trust.people["complaints_manager"]
    for _ in range(2):
        actions.submit_public_complaint(
            service=trust.service, summary="No call back", complainant=complainant()
        )
    actions.save_caseload_filter(acting_user=manager, name="Waiting", query="q=call")
    actions.set_assignment_rule(
        acting_user=manager, service=trust.other_service, handler=trust.people["complaints_handler"]
    )
    page = page_as(manager)
    problems: list[str] = []
    for url in (
        "/complaints/?q=call+back&status=any&ordering=-reference",
        "/complaints/?status=lost",  # an error beside the status field
        "/complaints/triage/",
        "/complaints/assignment-rules/",
    ):
        seen: set[str] = set()
        problems.extend(_audit_page(page, url, seen))
        assert seen, f"{url} did not open"
    assert problems == []
