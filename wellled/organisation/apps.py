from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "wellled.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from wellled.core import navigation

        # Registers the CSV import's job handler, so that workers know the job kind.
        from wellled.organisation import csv_import  # noqa: F401
        from wellled.organisation.access import Cap, can

        navigation.register_nav(
            navigation.NavItem(
                "Organisation",
                "organisation:tree",
                lambda user: can(user, Cap.VIEW_ORGANISATION),
                order=80,
            )
        )
