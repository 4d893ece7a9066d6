from django.apps import AppConfig


class SpeakupConfig(AppConfig):
    name = "wellled.speakup"
    label = "speakup"
    verbose_name = "Freedom to Speak Up"
