from django.apps import AppConfig


class SpeakupConfig(AppConfig):
    name = "wellled.speakup"
    label = "speakup"
    verbose_name = "Freedom to Speak Up"

    def ready(self) -> None:
        from django.core import checks
        from PIL import Image

        from wellled.core import navigation
        from wellled.organisation.access import Cap, can
        from wellled.speakup import uploads
        from wellled.speakup.checks import (
            check_speakup_secrets,
            check_suppression_threshold,
            throttle_cache_is_shared,
        )
        from wellled.speakup.enrolment import enrolment_work, register_role_policy
        from wellled.speakup.queries import speakup_work
        from wellled.speakup.reporting import register_metric_sources

        navigation.register_nav(
            navigation.NavItem(
                "Speak up",
                "speakup:index",
                lambda user: can(user, Cap.RAISE_CONCERN) and not can(user, Cap.READ_SPEAKUP_CASES),
                order=60,
            )
        )
        navigation.register_nav(
            navigation.NavItem(
                "Speak-up cases",
                "speakup:caseload",
                lambda user: can(user, Cap.READ_SPEAKUP_CASES),
                order=60,
            )
        )
        navigation.register_nav(
            navigation.NavItem(
                "Speak-up report",
                "speakup_reports:board",
                lambda user: can(user, Cap.VIEW_SPEAKUP_MEASURES),
                order=61,
            )
        )
        navigation.register_work(speakup_work)
        navigation.register_work(enrolment_work)
        register_metric_sources()
        register_role_policy()
        checks.register(throttle_cache_is_shared, checks.Tags.caches)
        # Pillow's own guard against decompression bombs, for any code that opens a
        # picture: a warning past the limit, an error past twice the limit.
        Image.MAX_IMAGE_PIXELS = uploads.max_image_pixels()

        checks.register(check_speakup_secrets)
        checks.register(check_suppression_threshold)
