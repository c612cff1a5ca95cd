from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "usalama.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        # Cross-app wiring lives in delivery code: s. 25 notifications offer wellness referrals;
        # complaints against police and wellness self-referral ride on intake's SMS and USSD.
        from usalama.desk import public_channels, wellness_offers

        wellness_offers.connect()
        public_channels.connect()
