from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "wellled.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from wellled.accounts.access import PeopleRules, register_people_rules
        from wellled.core import access as core_access
        from wellled.core import navigation

        # Registers the CSV import's job handler, so that workers know the job kind.
        from wellled.organisation import csv_import  # noqa: F401
        from wellled.organisation.access import (
            Cap,
            can,
            is_privileged,
            may_reset_two_factor,
            scope_paths,
        )
        from wellled.organisation.queries import own_grants

        # Core sits below the organisation: its audit trail and calendar ask here who
        # holds which capability.
        core_access.register_scope_paths(
            lambda user, capability: scope_paths(user, Cap(capability))
        )
        # Accounts sits below the organisation: it learns who holds a privileged role,
        # who may reset whose second factor and which roles a person holds from here.
        register_people_rules(
            PeopleRules(
                is_privileged=is_privileged,
                may_reset_two_factor=may_reset_two_factor,
                grants_of=own_grants,
            )
        )

        navigation.register_nav(
            navigation.NavItem(
                "Organisation",
                "organisation:tree",
                lambda user: can(user, Cap.VIEW_ORGANISATION),
                order=80,
            )
        )
