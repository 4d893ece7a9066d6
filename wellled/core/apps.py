from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wellled.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from wellled.core import navigation

        navigation.register_nav(
            navigation.NavItem("My work", "core:home", lambda user: user.is_authenticated, order=0)
        )
