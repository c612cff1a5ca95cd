from django.apps import AppConfig


class ResolveConfig(AppConfig):
    name = "usalama.resolve"
    label = "resolve"
    verbose_name = "Entity resolution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from usalama.records.worker import register_resumable

        # A run started again from the top stores each pair once (unique per entity pair) and
        # reconciles merges with what is there, so a worker that died mid-run is simply
        # followed by one that runs it again.
        register_resumable("usalama.resolve.tasks.run_resolution_task")
