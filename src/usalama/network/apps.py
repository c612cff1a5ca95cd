from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "usalama.network"
    label = "network"
    verbose_name = "Network analysis"
    default_auto_field = "django.db.models.BigAutoField"
