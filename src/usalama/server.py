"""Running the WSGI app under gunicorn from inside the ``usalama`` process."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def run_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    from django.contrib.staticfiles.management.commands import collectstatic  # noqa: F401
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from usalama.wsgi import application

    print(f"usalama serving on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    _Gunicorn(
        application,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 120,
            "accesslog": None,  # no access log: it would hold IP addresses and user agents
            "errorlog": "-",
            "loglevel": "warning",
            "limit_request_line": 8190,
            "limit_request_fields": 100,
        },
    ).run()
