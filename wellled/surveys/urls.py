from django.urls import path

from wellled.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_results, name="import"),
    path("<int:year>/", views.year_detail, name="year"),
]
