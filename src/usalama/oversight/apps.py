from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "usalama.oversight"
    label = "oversight"
    verbose_name = "Oversight"
