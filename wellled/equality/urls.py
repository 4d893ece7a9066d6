from django.urls import path

from wellled.equality import views

app_name = "equality"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_year, name="import"),
    path("<str:standard>/<int:year>/", views.report, name="report"),
]
