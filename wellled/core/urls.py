from django.urls import path

from wellled.core import audit_views, calendar_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path(
        "calendar/closure-days/",
        calendar_views.add_closure_day,
        name="calendar_add_closure_day",
    ),
    path(
        "calendar/closure-days/<int:pk>/remove/",
        calendar_views.remove_closure_day,
        name="calendar_remove_closure_day",
    ),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
    path("audit/<int:seq>/", audit_views.audit_detail, name="audit_detail"),
]
