from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "wellled.inspections"
    label = "inspections"
    verbose_name = "Inspections"
