from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "usalama.community"
    label = "community"
    verbose_name = "Community alerts and barazas"

    def ready(self) -> None:
        from usalama.community import channels
        from usalama.records.worker import register_resumable

        channels.connect()
        register_resumable("usalama.community.tasks.send_alert_task")
