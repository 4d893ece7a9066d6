"""/api/v1/schema/: the OpenAPI schema, built once per process and then served as it is.

Building it walks every endpoint and serializer of the API and takes over a second, on
every request, for a document that changes only when the code does (and a new release
restarts the processes). So each process builds it on the first request and keeps the
rendered bytes for each format asked for (YAML by default, JSON by Accept header).

The schema does not depend on who asks, so one copy serves everyone. drf-spectacular
would hand the requester to the generator, which drops endpoints the requester may not
use unless SERVE_PUBLIC is on; it is on here (the default), so every endpoint is listed
for everybody and each endpoint checks permissions itself when called. To make that
independence structural, the cached copy is built with no request at all, as
`wellled spectacular` builds it; organisation/tests/test_api_schema.py compares it with
the schema built for an anonymous visitor, a member of staff and a superuser.

A request naming a version (?version=...) is built as before, uncached: the version
is free text and so cannot be a cache key without growing without bound.
"""

from __future__ import annotations

import threading
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

# Built once per process: the schema of each view class, and its rendered bytes per
# renderer as (content, Content-Type, Content-Disposition).
_schemas: dict[type, dict[str, Any]] = {}
_rendered: dict[tuple[type, type], tuple[bytes, str, str]] = {}
_building = threading.RLock()


class SchemaView(SpectacularAPIView):
    # As the parent's get: the schema endpoint is left out of the schema itself.
    @extend_schema(**SCHEMA_KWARGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.api_version or request.version or self._get_version_parameter(request):
            return super().get(request, *args, **kwargs)
        renderer = request.accepted_renderer
        if request.accepted_media_type != renderer.media_type:
            # Accept parameters (indent=4) change the text: render the shared schema afresh.
            return self._response(request)
        key = (type(self), type(renderer))
        cached = _rendered.get(key)
        if cached is None:
            with _building:
                cached = _rendered.get(key) or self._render(request)
                _rendered[key] = cached
        content, content_type, disposition = cached
        return HttpResponse(
            content, content_type=content_type, headers={"Content-Disposition": disposition}
        )

    def _response(self, request: Request) -> Response:
        filename = self._get_filename(request, None)
        with _building:
            if type(self) not in _schemas:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=None, patterns=self.patterns
                )
                _schemas[type(self)] = generator.get_schema(request=None, public=self.serve_public)
        return Response(
            data=_schemas[type(self)],
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )

    def _render(self, request: Request) -> tuple[bytes, str, str]:
        response = self._response(request)
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        # What APIView.finalize_response sets before rendering (not in DRF's type stubs).
        response.renderer_context = self.get_renderer_context()  # type: ignore[attr-defined]
        response.render()
        return response.content, response["Content-Type"], response["Content-Disposition"]


def forget_built_schemas() -> None:
    """For tests that change what the schema contains (settings, routes)."""
    with _building:
        _rendered.clear()
        _schemas.clear()
