from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wellled.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core import checks

        from wellled.core.checks import production_settings

        # Every command, not only `check --deploy`: production must not start like this.
        checks.register(production_settings)

        # Loads the Celery app so that shared tasks are sent through its broker.
        import wellled.celery

        # Registers the task that runs jobs, which `actions.start_job` queues by name.
        import wellled.core.tasks  # noqa: F401
        from wellled.core import navigation

        navigation.register_nav(
            navigation.NavItem("My work", "core:home", lambda user: user.is_authenticated, order=0)
        )
        from wellled.core.access import VIEW_HOME, can, can_view_audit

        navigation.register_nav(
            navigation.NavItem(
                "Working days", "core:calendar", lambda user: can(user, VIEW_HOME), order=85
            )
        )

        navigation.register_nav(
            navigation.NavItem("Audit trail", "core:audit_list", can_view_audit, order=90)
        )
        from django.core import checks

        from wellled.core.audit_checks import check_audit_key, check_audit_table_role

        checks.register(check_audit_key)
        checks.register(check_audit_table_role, checks.Tags.security, deploy=True)
