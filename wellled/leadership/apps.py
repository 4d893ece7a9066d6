from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "wellled.leadership"
    label = "leadership"
    verbose_name = "Visible leadership"

    def ready(self) -> None:
        from wellled.core import navigation
        from wellled.leadership import improvement_source
        from wellled.leadership.queries import leadership_work
        from wellled.organisation.access import Cap, can

        navigation.register_nav(
            navigation.NavItem(
                "Walkrounds",
                "leadership:programmes",
                lambda user: can(user, Cap.VIEW_WALKROUNDS),
                order=65,
            )
        )
        navigation.register_work(leadership_work)
        improvement_source.register()
