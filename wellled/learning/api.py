"""/api/v1/ endpoints of learning."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
