from django.contrib import admin
from django.urls import include, path

from wellled.core import health
from wellled.core import views as core_views

handler400 = core_views.error_400
handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500

urlpatterns = [
    path("", include("wellled.core.urls")),
    path("account/", include("wellled.accounts.urls")),
    path("organisation/", include("wellled.organisation.urls")),
    path("complaints/", include("wellled.complaints.urls")),
    path("learning/", include("wellled.learning.urls")),
    path("reports/board-packs/", include("wellled.reports.boardpack_urls")),
    path("reports/", include("wellled.reports.urls")),
    path("assurance/", include("wellled.assurance.urls")),
    path("inspections/", include("wellled.inspections.urls")),
    path("strategy/", include("wellled.strategy.urls")),
    path("actions/", include("wellled.improvement.urls")),
    path("leadership/", include("wellled.leadership.urls")),
    path("speak-up/reports/", include("wellled.speakup.reporting_urls")),
    path("speak-up/", include("wellled.speakup.urls")),
    path("staff-survey/", include("wellled.surveys.urls")),
    path("involvement/", include("wellled.involvement.urls")),
    path("equality/", include("wellled.equality.urls")),
    path("api/v1/", include("wellled.api_urls")),
    # Public on purpose: probes call it without logging in (see wellled/core/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
]
