from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "wellled.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    # The menu entry and the "my work" source (queries.complaints_work) are
    # registered in ready() once the case pages exist: until then a work item
    # would link to a page that is not there.
