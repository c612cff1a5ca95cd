from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "usalama.accounts"
    label = "accounts"
    verbose_name = "Agencies and users"
    default_auto_field = "django.db.models.BigAutoField"
