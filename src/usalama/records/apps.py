from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "usalama.records"
    label = "records"
    verbose_name = "Records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from django_tasks_db.models import DBTaskResult

        from usalama.records.worker import notify_queued

        # A queued job wakes idle workers at once (PostgreSQL LISTEN/NOTIFY).
        post_save.connect(notify_queued, sender=DBTaskResult, dispatch_uid="usalama-notify")
