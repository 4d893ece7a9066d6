from django.urls import path

from wellled.leadership import views

app_name = "leadership"

urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("new/", views.programme_new, name="programme_new"),
    path("my-visits.ics", views.my_calendar, name="my_calendar"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/visits/", views.programme_visits, name="visits"),
    path("programmes/<int:pk>/generate/", views.programme_generate, name="generate"),
    path("programmes/<int:pk>/leaders/new/", views.leader_new, name="leader_new"),
    path("leaders/<int:pk>/unavailable/", views.leader_unavailable, name="leader_unavailable"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/move/", views.visit_move, name="visit_move"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("visits/<int:pk>/feedback/", views.visit_feedback, name="visit_feedback"),
    path("visits/<int:pk>/confirm/", views.visit_confirm, name="visit_confirm"),
]
