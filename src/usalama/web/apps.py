from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "usalama.web"
    label = "web"
    verbose_name = "Web shell"
