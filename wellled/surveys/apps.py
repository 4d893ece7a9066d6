from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "wellled.surveys"
    label = "surveys"
    verbose_name = "Staff survey"
