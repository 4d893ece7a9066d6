from django.urls import path

from wellled.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("board/", views.board_summary, name="board"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/ratings/", views.inspection_ratings, name="ratings"),
    path("<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("<int:pk>/report.<slug:fmt>", views.progress_report, name="report"),
    path("findings/<int:pk>/plan/", views.plan_new, name="plan_new"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path("actions/<int:pk>/evidence/", views.action_evidence, name="action_evidence"),
    path("actions/<int:pk>/milestones/new/", views.action_milestone, name="action_milestone"),
    path("actions/<int:pk>/sign-off/", views.action_sign_off, name="action_sign_off"),
    path("actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
]
