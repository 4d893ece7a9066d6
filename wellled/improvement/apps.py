from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "wellled.improvement"
    label = "improvement"
    verbose_name = "Improvement actions"

    def ready(self) -> None:
        from wellled.assurance.panels import register_assessment_panel
        from wellled.core import navigation
        from wellled.improvement import measures, statement_source
        from wellled.improvement.queries import actions_overview, improvement_work
        from wellled.organisation.access import Cap, can

        navigation.register_nav(
            navigation.NavItem(
                "Actions", "improvement:list", lambda user: can(user, Cap.VIEW_ACTIONS), order=27
            )
        )
        navigation.register_work(improvement_work)
        navigation.register_overview(actions_overview)
        statement_source.register()
        register_assessment_panel(statement_source.actions_panel)
        measures.register_all()
