from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "usalama.public"
    label = "public"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Public portal"
