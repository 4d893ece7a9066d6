"""Browser fixtures for the whole suite: Playwright, driving Debian's Chromium,
against pytest-django's live server. Registered in the root conftest.py, so every
browser test anywhere shares one Chromium per test process (two sync Playwright
instances cannot run in one thread).

The browser is never downloaded: the tests use /usr/bin/chromium, or skip when it
is missing, unless WELLLED_REQUIRE_BROWSER is set (as in CI), when they fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("WELLLED_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("WELLLED_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, live_server) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """page_as(user) gives a Playwright page logged in as that user (or anonymous),
    each in a browser context of its own, so two people can work side by side."""
    from django.test import Client

    contexts = []

    def open_page(user=None):  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        if user is not None:
            # A test client per login: logging a second person in on one client
            # would end the first person's session.
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: (
                page.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
