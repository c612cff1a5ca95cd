"""django-tasks entry points of the watchlists app (run by the background worker).

Both are safe to run twice: an alert is stored once per (recipient, entry, record) pair.
"""

from __future__ import annotations

from datetime import datetime

from django_tasks import task


@task()
def screen_ingested(collection_id: int, since: str) -> None:
    from usalama.watchlists.services import screen_collection

    screen_collection(collection_id, datetime.fromisoformat(since))


@task()
def screen_watchlist_task(watchlist_id: int) -> None:
    from usalama.watchlists.services import screen_watchlist

    screen_watchlist(watchlist_id)


@task()
def sweep_task() -> None:
    from usalama.watchlists.services import sweep

    sweep()
