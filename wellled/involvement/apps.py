from django.apps import AppConfig


class InvolvementConfig(AppConfig):
    name = "wellled.involvement"
    label = "involvement"
    verbose_name = "Involvement"

    def ready(self) -> None:
        from wellled.core import navigation
        from wellled.involvement import access, improvement_source, measures

        navigation.register_nav(
            navigation.NavItem("Involvement", "involvement:home", access.may_manage, order=60)
        )
        # Leaders read the aggregates only (the lead reaches them from the home page).
        navigation.register_nav(
            navigation.NavItem(
                "Co-production",
                "involvement:embeddedness",
                lambda user: access.may_read_measures(user) and not access.may_manage(user),
                order=60,
            )
        )
        # "You said, we did": actions on the shared loop, whose source is an activity.
        improvement_source.register()
        # Monthly measures for the IPR (reports/sources.py).
        measures.register()
