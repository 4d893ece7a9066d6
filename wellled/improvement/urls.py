from django.urls import path

from wellled.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("export.xlsx", views.action_export, name="export"),
    path("new/", views.action_new, name="new"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/progress/", views.action_progress, name="progress"),
    path("<int:pk>/milestones/new/", views.milestone_new, name="milestone_new"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/done/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("<int:pk>/evidence/new/", views.evidence_new, name="evidence"),
    path("<int:pk>/complete/", views.action_complete, name="complete"),
    path("<int:pk>/replan/", views.action_replan, name="replan"),
    path("<int:pk>/reassign/", views.action_reassign, name="reassign"),
    path("<int:pk>/sign-off/", views.action_sign_off, name="sign_off"),
    path("<int:pk>/reopen/", views.action_reopen, name="reopen"),
]
