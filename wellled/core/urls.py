from django.urls import path

from wellled.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
