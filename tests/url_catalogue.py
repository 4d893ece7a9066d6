"""Every URL pattern of the project, with sample arguments, for the tests that walk them.

A pattern that takes arguments needs an entry in `sample_kwargs`: the walk fails
until one is added, so no page escapes the permission and accessibility tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wellled.core.testing import Trust

# Not walked: Django's own admin (operators only, not the product's UI), DRF's
# format-suffix duplicates, and the files Swagger UI is served from.
SKIP_PREFIXES = ("django-admin/", "static/")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str
    needs_kwargs: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if not entry.name or route.startswith(SKIP_PREFIXES):
                continue
            # Route patterns name their arguments as converters, regex ones as groups.
            names = tuple(entry.pattern.converters) or tuple(entry.pattern.regex.groupindex)
            if "format" in names:
                continue
            yield Route(f"{namespace}{entry.name}", route, names)


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", ""):
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda r: r.name)


SampleFactory = Callable[[Trust], dict[str, Any]]


def resolve(route: Route, samples: dict[str, SampleFactory], trust: Trust) -> str:
    if not route.needs_kwargs:
        return reverse(route.name)
    if route.name not in samples:
        raise LookupError(
            f"URL {route.name!r} ({route.route}) takes {', '.join(route.needs_kwargs)}: "
            "add sample arguments for it in tests/url_matrix.py or the app's tests/url_access.py"
        )
    return reverse(route.name, kwargs=samples[route.name](trust))
