from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "wellled.learning"
    label = "learning"
    verbose_name = "Learning"
