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
            "post_worker_init": _warm_up,
        },
    ).run()


# How long a thread may keep the GIL while another waits for it (CPython's default: 5 ms).
# A thread back from the database (a public report holding SQLite's write gate, say) waits
# up to this long per statement for a thread that is parsing or rendering; under load that
# wait, not the work, bounded the reports a second (docs/benchmarks.md, issue 22).
GIL_SWITCH_SECONDS = 0.001


def _warm_up(worker: Any) -> None:
    """Train the intake category classifier as each worker starts (a few seconds, once),
    shorten the GIL's switch interval for the worker's threads and freeze what start-up
    allocated out of the garbage collector's way.

    Trained on first use otherwise, which would make some citizen's report wait for it.
    """
    import gc
    import sys

    from usalama.intake.classify import model

    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    model()
    # Everything loaded so far (Django, the engines' libraries, the model) lives as long as
    # the worker: out of the collector's sight, a full collection no longer walks it, which
    # under load stalled every thread of the worker (the JSON API's p99, docs/benchmarks.md)
    gc.collect()
    gc.freeze()


# --- `usalama serve`: the web server and a background worker, supervised together ----------

_GRACE_SECONDS = 10  # then SIGKILL; a job a killed worker leaves behind resumes on restart
_RESTART_DELAYS = (1, 2, 5, 10, 30)  # back off if the worker keeps dying at start-up


def supervise(web_argv: list[str], worker_argv: list[str]) -> int:
    """Run the web server and a worker as child processes until the server stops.

    The worker is restarted whenever it exits; SIGTERM or SIGINT stops both. Children, not
    threads: the worker must not share gunicorn's master process (which reaps every child
    and forks its own workers), and a worker stuck in a long import must not hold the web up.
    """
    import signal
    import subprocess
    import time

    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    # The worker gets its own session, so a Ctrl+C in the terminal does not reach it too:
    # db_worker treats a second signal as "abandon the task now" and marks it failed, where
    # one SIGTERM lets it finish (or, past the grace period, be killed and later resumed).
    web = subprocess.Popen(web_argv, preexec_fn=_die_with_parent)  # noqa: S603
    worker = _start_worker(worker_argv)
    failures, last_start = 0, time.monotonic()
    try:
        while not stopping and web.poll() is None:
            if worker.poll() is not None:
                quick = time.monotonic() - last_start < 60
                failures = failures + 1 if quick else 0
                delay = _RESTART_DELAYS[min(failures, len(_RESTART_DELAYS)) - 1] if quick else 1
                print(f"usalama: background worker exited; restarting in {delay}s", flush=True)
                _sleep_unless(lambda: stopping, delay)
                if stopping:
                    break
                worker = _start_worker(worker_argv)
                last_start = time.monotonic()
            time.sleep(0.5)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_all([web, worker])
    return web.returncode or 0


def _start_worker(argv: list[str]) -> Any:
    import subprocess

    return subprocess.Popen(  # noqa: S603 - our own argv
        argv, start_new_session=True, preexec_fn=_die_with_parent
    )


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM it when the supervisor dies.

    Without this a supervisor killed outright (SIGKILL, OOM) leaves an orphaned worker that
    keeps claiming jobs. Elsewhere there is no such call, and the supervisor's own clean-up
    on SIGTERM/SIGINT remains the only guard.
    """
    import ctypes
    import signal
    import sys

    if sys.platform != "linux":
        return
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _sleep_unless(stopped: Any, seconds: float) -> None:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end and not stopped():
        time.sleep(0.2)


def _stop_all(children: list[Any]) -> None:
    import subprocess

    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
