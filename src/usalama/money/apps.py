from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "usalama.money"
    label = "money"
    verbose_name = "Money"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # account holders follow canonical-id changes (merges and undos)
        from usalama.money import holders  # noqa: F401
