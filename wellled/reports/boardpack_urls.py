from django.urls import URLPattern

app_name = "boardpacks"

urlpatterns: list[URLPattern] = []
