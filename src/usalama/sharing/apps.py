from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "usalama.sharing"
    label = "sharing"
    verbose_name = "Sharing across agencies and borders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from usalama.records.signals import disseminated, entity_read
        from usalama.sharing.log import log_disseminated, log_read_under_grant

        # Reads of another agency's entities (only possible under a grant) go to the
        # originator's dissemination log.
        entity_read.connect(log_read_under_grant, dispatch_uid="sharing.read_under_grant")
        # Cases granted, revoked or read by another agency (sent by the cases app).
        disseminated.connect(log_disseminated, dispatch_uid="sharing.disseminated")
