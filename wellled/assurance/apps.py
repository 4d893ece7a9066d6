from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "wellled.assurance"
    label = "assurance"
    verbose_name = "CQC assurance"
