from django.apps import AppConfig


class ResolveConfig(AppConfig):
    name = "usalama.resolve"
    label = "resolve"
    verbose_name = "Entity resolution"
    default_auto_field = "django.db.models.BigAutoField"
