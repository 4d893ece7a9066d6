from django.apps import AppConfig


class SpeakupConfig(AppConfig):
    name = "wellled.speakup"
    label = "speakup"
    verbose_name = "Freedom to Speak Up"

    def ready(self) -> None:
        from django.core import checks

        from wellled.core import navigation
        from wellled.organisation.access import Cap, can
        from wellled.speakup.queries import speakup_work
        from wellled.speakup.reporting import register_metric_sources

        navigation.register_nav(
            navigation.NavItem(
                "Speak up",
                "speakup:index",
                lambda user: can(user, Cap.RAISE_CONCERN) and not can(user, Cap.READ_SPEAKUP_CASES),
                order=60,
            )
        )
        navigation.register_nav(
            navigation.NavItem(
                "Speak-up cases",
                "speakup:caseload",
                lambda user: can(user, Cap.READ_SPEAKUP_CASES),
                order=60,
            )
        )
        navigation.register_nav(
            navigation.NavItem(
                "Speak-up report",
                "speakup_reports:board",
                lambda user: can(user, Cap.VIEW_SPEAKUP_MEASURES),
                order=61,
            )
        )
        navigation.register_work(speakup_work)
        register_metric_sources()

        from wellled.speakup.checks import check_speakup_secrets

        checks.register(check_speakup_secrets)
