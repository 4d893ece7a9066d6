from django.urls import URLPattern, path

from wellled.speakup import anonymous_views, case_views, enrolment_views, views

app_name = "speakup"

urlpatterns: list[URLPattern] = [
    path("", anonymous_views.index, name="index"),
    path("anonymous/", anonymous_views.anonymous_new, name="anonymous_new"),
    path("anonymous/return/", anonymous_views.anonymous_return, name="anonymous_return"),
    path("anonymous/file/", anonymous_views.anonymous_file, name="anonymous_file"),
    path("raise/", views.raise_concern, name="raise"),
    path("guardian/", views.caseload, name="caseload"),
    path("guardian/key/", views.key_setup, name="key_setup"),
    path("guardian/key/manage/", views.key_manage, name="key_manage"),
    path("guardian/unlock/", views.unlock, name="unlock"),
    path("guardian/lock/", views.lock, name="lock"),
    path("guardian/record/", views.record, name="record"),
    path("guardian/case/<str:reference>/", case_views.case_detail, name="case"),
    path("guardian/guardians/", enrolment_views.guardians, name="guardians"),
    path("guardian/guardians/<int:grant_id>/approve/", enrolment_views.approve, name="approve"),
    path("guardian/recovery/", enrolment_views.recovery_setup, name="recovery_setup"),
    path("guardian/recover/<str:reference>/", enrolment_views.recover, name="recover"),
    path("first-guardian/", enrolment_views.first_guardian, name="first_guardian"),
    path(
        "guardian/case/<str:reference>/file/<uuid:file_id>/",
        case_views.case_file,
        name="case_file",
    ),
]
