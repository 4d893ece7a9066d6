from django.urls import path

from wellled.strategy import baf_views, views

app_name = "strategy"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("units/<int:pk>/propose/", views.propose, name="propose"),
    path("units/<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("catchball/", views.inbox, name="inbox"),
    path("catchball/<int:pk>/", views.reply, name="reply"),
    path("catchball/<int:pk>/again/", views.propose_again, name="propose_again"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("review-items/<int:pk>/countermeasure/", views.countermeasure, name="countermeasure"),
    path("objectives/new/", views.objective_new, name="objective_new"),
    path("baf/", baf_views.baf, name="baf"),
    path("baf/paper.<slug:fmt>", baf_views.baf_paper, name="baf_paper"),
    path("baf/appetite/", baf_views.appetite, name="appetite"),
    path("baf/risks/new/", baf_views.risk_new, name="risk_new"),
    path("baf/risks/<int:pk>/", baf_views.risk, name="risk"),
    path("baf/risks/<int:pk>/edit/", baf_views.risk_edit, name="risk_edit"),
    path("baf/risks/<int:pk>/rescore/", baf_views.risk_rescore, name="risk_rescore"),
]
