from django.apps import AppConfig


class PolicingConfig(AppConfig):
    name = "usalama.policing"
    label = "policing"
    verbose_name = "Policing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from usalama.records.worker import register_resumable

        # a forecast stores its result and audit event together, once (policing/forecasts.py)
        register_resumable("usalama.policing.tasks.run_forecast_task")
