from django.apps import AppConfig


class EqualityConfig(AppConfig):
    name = "wellled.equality"
    label = "equality"
    verbose_name = "Workforce equality"

    def ready(self) -> None:
        from wellled.assurance.panels import register_statement_panel
        from wellled.core import navigation
        from wellled.equality import access, evidence, improvement_source, measures

        navigation.register_nav(
            navigation.NavItem("Workforce equality", "equality:index", access.may_view, order=72)
        )
        improvement_source.register()
        # Indicators for the catalogue and the IPR (reports/sources.py), and live evidence
        # on the well-led statement on workforce equality (assurance/panels.py).
        measures.register()
        register_statement_panel(evidence.statement_panel)
