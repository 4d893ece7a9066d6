from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "wellled.assurance"
    label = "assurance"
    verbose_name = "CQC assurance"

    def ready(self) -> None:
        from wellled.assurance import pack  # noqa: F401 - registers the inspection pack job
        from wellled.assurance.access import may_open_assurance
        from wellled.assurance.queries import assurance_work
        from wellled.core import navigation

        navigation.register_nav(
            navigation.NavItem("CQC assurance", "assurance:index", may_open_assurance, order=50)
        )
        navigation.register_work(assurance_work)
