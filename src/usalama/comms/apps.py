from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "usalama.comms"
    label = "comms"
    verbose_name = "Communications analysis"
    default_auto_field = "django.db.models.BigAutoField"
