from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "wellled.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from wellled.complaints.measures import register_metric_sources
        from wellled.complaints.queries import complaints_work, sign_off_work, triage_work
        from wellled.core import navigation
        from wellled.organisation.access import Cap, can

        navigation.register_nav(
            navigation.NavItem(
                "Complaints",
                "complaints:list",
                lambda user: can(user, Cap.VIEW_COMPLAINTS),
                order=20,
            )
        )
        navigation.register_nav(
            navigation.NavItem(
                "Complaint measures",
                "complaints:measures",
                lambda user: can(user, Cap.VIEW_COMPLAINT_MEASURES),
                order=21,
            )
        )
        navigation.register_work(complaints_work)
        navigation.register_work(triage_work)
        navigation.register_work(sign_off_work)
        register_metric_sources()
