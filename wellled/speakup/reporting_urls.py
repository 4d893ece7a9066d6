from django.urls import URLPattern

app_name = "speakup_reports"

urlpatterns: list[URLPattern] = []
