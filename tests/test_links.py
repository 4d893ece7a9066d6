"""No link leads anyone to a refusal.

For every persona: open every page they may open (the pages of the URL walk, on
the walk's sample objects), collect every link on it to another page of the
site, and follow each once. A link that answers 403 is a dead end that page
should not have offered that persona: the test names the link and where it was.

It reads pages, not the database's behaviour, so like the browser tests it runs
once, on SQLite (marker `links`; .ci/run leaves it out of the PostgreSQL pass).
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import override_settings

from tests.test_url_permissions import _allowed, _client_for, _is_api
from tests.url_access_groups import ALL_PERSONAS
from tests.url_catalogue import all_routes, resolve
from tests.url_matrix import SAMPLES
from tests.url_posts import POSTS
from wellled.core.testing import Trust

pytestmark = pytest.mark.links

_HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)', re.IGNORECASE)
# Followed elsewhere or not pages: static files, and the logout link (which ends
# the session the walk is using).
_NOT_FOLLOWED = ("/static/", "/account/logout/")


def _pages(persona: str, trust: Trust) -> list[str]:
    return [
        resolve(route, SAMPLES, trust)
        for route in all_routes()
        if _allowed(route, persona) and route.name not in POSTS and not _is_api(route)
    ]


@pytest.mark.django_db
@override_settings(WELLLED_REQUIRE_2FA=False)
@pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
def test_no_link_leads_a_persona_to_a_refusal(persona: str, trust: Trust) -> None:
    client = _client_for(trust, persona)
    links: dict[str, str] = {}
    for page in _pages(persona, trust):
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in _HREF.findall(response.content.decode()):
            link = html.unescape(href)
            if not link.startswith("//") and not link.startswith(_NOT_FOLLOWED):
                links.setdefault(link, page)
    assert links, "the walk found no links at all: the page list is wrong"
    refused = [
        f"{link} (linked from {page})"
        for link, page in sorted(links.items())
        if client.get(link).status_code == 403
    ]
    assert refused == [], f"{persona} is offered links it may not follow:\n" + "\n".join(refused)
