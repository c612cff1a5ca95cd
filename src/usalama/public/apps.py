from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "usalama.public"
    label = "public"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Public portal"

    def ready(self) -> None:
        from usalama.records.worker import register_resumable

        register_resumable("usalama.public.tasks.publish_task")
