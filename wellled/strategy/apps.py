from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "wellled.strategy"
    label = "strategy"
    verbose_name = "Strategy deployment"

    def ready(self) -> None:
        from wellled.core import navigation
        from wellled.organisation.access import Cap, can
        from wellled.strategy import improvement_source, register

        navigation.register_nav(
            navigation.NavItem(
                "Strategy",
                "strategy:index",
                lambda user: can(user, Cap.VIEW_STRATEGY),
                order=55,
            )
        )
        # Risk owners see the principal risks whose review is due.
        navigation.register_work(register.baf_work)
        # Countermeasures appear in "my work" with every other improvement action.
        improvement_source.register()
