from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "usalama.money"
    label = "money"
    verbose_name = "Money"
    default_auto_field = "django.db.models.BigAutoField"
