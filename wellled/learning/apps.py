from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "wellled.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from wellled.complaints.closure import register_closure_check
        from wellled.core import navigation
        from wellled.learning import improvement_source
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
        improvement_source.register()
