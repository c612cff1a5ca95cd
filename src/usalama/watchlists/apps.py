from django.apps import AppConfig


class WatchlistsConfig(AppConfig):
    name = "usalama.watchlists"
    label = "watchlists"
    verbose_name = "Watchlists"

    def ready(self) -> None:
        from usalama.watchlists import hooks

        hooks.connect()
