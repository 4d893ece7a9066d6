from django.apps import AppConfig


class InvolvementConfig(AppConfig):
    name = "wellled.involvement"
    label = "involvement"
    verbose_name = "Involvement"

    def ready(self) -> None:
        from wellled.core import navigation
        from wellled.involvement import access, improvement_source

        navigation.register_nav(
            navigation.NavItem("Involvement", "involvement:home", access.may_manage, order=60)
        )
        # "You said, we did": actions on the shared loop, whose source is an activity.
        improvement_source.register()
