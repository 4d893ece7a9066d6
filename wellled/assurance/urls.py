from django.urls import URLPattern, path

from wellled.assurance import views

app_name = "assurance"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/<str:methodology_id>/", views.framework_detail, name="framework"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/trend/", views.trend, name="trend"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/owners/", views.owners, name="owners"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/limiters/", views.round_limiters, name="round_limiters"),
    path("rounds/<int:pk>/statements/<slug:statement_id>/", views.score, name="score"),
    path(
        "rounds/<int:pk>/statements/<slug:statement_id>/preview/",
        views.score_preview,
        name="score_preview",
    ),
    path(
        "rounds/<int:pk>/questions/<slug:question_id>/",
        views.assess_question,
        name="question",
    ),
    path(
        "rounds/<int:pk>/judgements/<slug:key_question>/",
        views.judge_key_question,
        name="judgement",
    ),
    path("evidence/", views.evidence_list, name="evidence"),
    path("evidence/new/", views.evidence_new, name="evidence_new"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/retire/", views.evidence_retire, name="evidence_retire"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/pack/<slug:statement_id>/", views.pack_start, name="pack_start"),
    path("packs/<uuid:job_id>/", views.pack_download, name="pack_download"),
    path("well-led/", views.well_led, name="well_led"),
]
