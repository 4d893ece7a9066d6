from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "wellled.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from wellled.core import navigation
        from wellled.organisation.access import Cap, can

        # Importing these registers their job handlers (CSV import, board pack).
        from wellled.reports import boardpack, import_job  # noqa: F401
        from wellled.reports.overview import performance_overview
        from wellled.reports.queries import reports_work

        navigation.register_nav(
            navigation.NavItem(
                "Performance report",
                "reports:ipr",
                lambda user: can(user, Cap.VIEW_METRICS),
                order=40,
            )
        )
        navigation.register_work(reports_work)
        navigation.register_overview(performance_overview)
