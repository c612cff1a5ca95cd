from django.apps import AppConfig


class PolicingConfig(AppConfig):
    name = "usalama.policing"
    label = "policing"
    verbose_name = "Policing"
    default_auto_field = "django.db.models.BigAutoField"
