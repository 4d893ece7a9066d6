from django.urls import path

from wellled.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.unit_tree, name="tree"),
]
