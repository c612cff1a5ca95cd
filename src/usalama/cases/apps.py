from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "usalama.cases"
    verbose_name = "Cases and the justice chain"
