from django.urls import path

from wellled.complaints import measures_views, public, views
from wellled.complaints.views import caseload, cqc, triage

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("triage/", triage.triage, name="triage"),
    path("assignment-rules/", triage.assignment_rules, name="assignment_rules"),
    path(
        "assignment-rules/<int:pk>/delete/",
        triage.assignment_rule_delete,
        name="assignment_rule_delete",
    ),
    path("saved-filters/", caseload.saved_filter_save, name="saved_filter_save"),
    path(
        "saved-filters/<int:pk>/delete/", caseload.saved_filter_delete, name="saved_filter_delete"
    ),
    path("cqc-requests/", cqc.cqc_requests, name="cqc_requests"),
    path("cqc-requests/<int:pk>/sent/", cqc.cqc_request_sent, name="cqc_request_sent"),
    path("cqc-requests/<int:pk>/summary/", cqc.cqc_request_summary, name="cqc_request_summary"),
    path("measures/", measures_views.measures, name="measures"),
    path("exports/", measures_views.exports, name="exports"),
    path("exports/<slug:kind>/", measures_views.export_download, name="export_download"),
    path("make-a-complaint/", public.make_a_complaint, name="public_form"),
    path("make-a-complaint/sent/<str:token>/", public.sent, name="public_sent"),
    path("letter-templates/", views.letter_templates, name="letter_templates"),
    path("letterhead/", views.letterhead_edit, name="letterhead"),
    path("letter-templates/<slug:kind>/", views.letter_template_edit, name="letter_template_edit"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/details/", views.case_details_edit, name="case_details_edit"),
    path("<int:pk>/complainant/", views.complainant_edit, name="complainant_edit"),
    path("<int:pk>/patient/", views.patient_edit, name="patient_edit"),
    path("<int:pk>/issues/<int:issue_pk>/", views.issue_edit, name="issue_edit"),
    path(
        "<int:pk>/documents/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/letters/<int:letter_pk>/", views.letter_edit, name="letter"),
    path(
        "<int:pk>/letters/<int:letter_pk>/<slug:fmt>/",
        views.letter_download,
        name="letter_download",
    ),
    path("<int:pk>/<slug:step>/", views.complaint_step, name="step"),
]
