from django.urls import path

from wellled.strategy import views

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
    path("baf/", views.baf, name="baf"),
]
