from django.urls import path

from wellled.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("<int:pk>/", views.action_detail, name="detail"),
]
