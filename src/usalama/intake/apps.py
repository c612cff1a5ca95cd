from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "usalama.intake"
    label = "intake"
    verbose_name = _("Community reports and tips")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from usalama.intake.services import forget_intake_agency

        # ``flush`` (between transactional tests) sends post_migrate: drop the cached agency id.
        post_migrate.connect(forget_intake_agency, dispatch_uid="intake-forget-agency")
