from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "wellled.inspections"
    label = "inspections"
    verbose_name = "Inspections"

    def ready(self) -> None:
        from wellled.assurance.panels import (
            register_enforcement_source,
            register_published_rating_source,
            register_statement_panel,
        )
        from wellled.core import navigation
        from wellled.inspections import improvement_source
        from wellled.inspections.queries import (
            enforcement_suggestions,
            latest_cqc_rating,
            ratings_overview,
            statement_panel,
        )
        from wellled.organisation.access import Cap, can

        navigation.register_nav(
            navigation.NavItem(
                "Inspections",
                "inspections:list",
                lambda user: can(user, Cap.VIEW_INSPECTIONS),
                order=60,
            )
        )
        # "My work" lists inspection actions with every other improvement action.
        navigation.register_overview(ratings_overview)
        register_statement_panel(statement_panel)
        register_enforcement_source(enforcement_suggestions)
        register_published_rating_source(latest_cqc_rating)
        improvement_source.register()
