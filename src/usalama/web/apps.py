from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "usalama.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        # Cross-app wiring lives in delivery code: s. 25 notifications offer wellness referrals.
        from usalama.desk import wellness_offers

        wellness_offers.connect()
