from django.urls import path

from wellled.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("ipr/", views.ipr, name="ipr"),
    path("import/", views.upload, name="upload"),
    path("import/template.csv", views.upload_template, name="upload_template"),
    path("metrics/new/", views.metric_new, name="metric_new"),
    path("metrics/<slug:slug>/", views.metric_detail, name="metric"),
    path("metrics/<slug:slug>/edit/", views.metric_edit, name="metric_edit"),
    path("metrics/<slug:slug>/import/", views.metric_upload, name="metric_upload"),
    path("metrics/<slug:slug>/notes/new/", views.annotation_new, name="annotation_new"),
    path("metrics/<slug:slug>/recalculations/new/", views.rebase_new, name="rebase_new"),
    path(
        "metrics/<slug:slug>/recalculations/<int:pk>/approve/",
        views.rebase_approve,
        name="rebase_approve",
    ),
    path("metrics/<slug:slug>/narrative/", views.narrative, name="narrative"),
]
