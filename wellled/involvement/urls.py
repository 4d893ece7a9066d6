from django.urls import path

from wellled.involvement import public, views

app_name = "involvement"

urlpatterns = [
    path("", views.home, name="home"),
    path("join/", public.register, name="public_register"),
    path("join/thank-you/", public.thanks, name="public_thanks"),
    path("embeddedness/", views.embeddedness, name="embeddedness"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("opportunities/new/", views.opportunity_new, name="opportunity_new"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/activity/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/feedback/", views.activity_feedback, name="activity_feedback"),
    path("participations/<int:pk>/claim/", views.claim_new, name="claim_new"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/paid/", views.claim_paid, name="claim_paid"),
    path("claims/finance.xlsx", views.finance_export, name="finance_export"),
]
