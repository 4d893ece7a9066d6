from django.apps import AppConfig


class EqualityConfig(AppConfig):
    name = "wellled.equality"
    label = "equality"
    verbose_name = "Workforce equality"

    def ready(self) -> None:
        from wellled.core import navigation
        from wellled.equality import access, improvement_source

        navigation.register_nav(
            navigation.NavItem("Workforce equality", "equality:index", access.may_view, order=72)
        )
        improvement_source.register()
