from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "usalama.cases"
    verbose_name = "Cases and the justice chain"

    def ready(self) -> None:
        from usalama.cases.shareable import CaseShareable
        from usalama.records.shareables import register

        # The Sharing page grants cases through the case app's own shares.
        register(CaseShareable())
