from django.apps import AppConfig


class WellnessConfig(AppConfig):
    name = "usalama.wellness"
    label = "wellness"
    verbose_name = "Wellness"
