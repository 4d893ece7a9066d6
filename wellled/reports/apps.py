from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "wellled.reports"
    label = "reports"
    verbose_name = "Reports"
