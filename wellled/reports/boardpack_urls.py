from django.urls import path

from wellled.reports import boardpack_views as views

app_name = "boardpacks"

urlpatterns = [
    path("", views.pack_list, name="list"),
    path("new/", views.pack_request, name="request"),
    path("<int:pk>/download/", views.pack_download, name="download"),
]
