from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "wellled.surveys"
    label = "surveys"
    verbose_name = "Staff survey"

    def ready(self) -> None:
        from wellled.core import navigation
        from wellled.organisation.access import Cap, can
        from wellled.surveys import importer  # noqa: F401 - registers the import job

        navigation.register_nav(
            navigation.NavItem(
                "Staff survey",
                "surveys:index",
                lambda user: can(user, Cap.VIEW_SURVEYS),
                order=70,
            )
        )
