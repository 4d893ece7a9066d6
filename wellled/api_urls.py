"""/api/v1/: each module adds its router here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from wellled.core.schema_view import SchemaView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar, under the site's strict CSP unchanged.

    The split view serves its init script from ?script rather than inline, and our
    template moves the stock inline <style> into core/api-docs.css.
    """

    template_name = "core/api_docs.html"


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("wellled.organisation.api")),
    path("", include("wellled.complaints.api")),
    path("", include("wellled.learning.api")),
    path("", include("wellled.reports.api")),
    path("", include("wellled.assurance.api")),
    path("", include("wellled.inspections.api")),
    path("", include("wellled.speakup.api")),
    path("", include("wellled.surveys.api")),
    path("", include("wellled.improvement.api")),
    path("", include("wellled.strategy.api")),
    path("", include("wellled.leadership.api")),
    path("", include("wellled.equality.api")),
]
