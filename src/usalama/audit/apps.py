from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "usalama.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"
