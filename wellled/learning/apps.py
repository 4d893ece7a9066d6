from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "wellled.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from wellled.complaints.annual_report import register_narrative_source
        from wellled.complaints.case_panels import register_issue_panel
        from wellled.complaints.closure import register_closure_check
        from wellled.core import navigation
        from wellled.learning import annual_report_source, improvement_source
        from wellled.learning.case_views import learning_panels
        from wellled.learning.queries import closure_gaps, learning_work
        from wellled.organisation.access import Cap, can

        navigation.register_nav(
            navigation.NavItem(
                "Learning", "learning:library", lambda user: can(user, Cap.VIEW_LEARNING), order=25
            )
        )
        navigation.register_work(learning_work)
        # A complaint cannot close while its learning is incomplete (complaints asks).
        register_closure_check(closure_gaps)
        # Each issue's learning actions, and the form to raise one, on the case page.
        register_issue_panel(learning_panels)
        improvement_source.register()
        # The regulation 18 report's "action taken or to be taken" (complaints asks).
        register_narrative_source(annual_report_source.action_lines)
