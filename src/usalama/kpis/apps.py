from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "usalama.kpis"
    label = "kpis"
    verbose_name = "Indicators and targets"

    def ready(self) -> None:
        from usalama.records.worker import register_resumable

        register_resumable("usalama.kpis.tasks.compute_task")
