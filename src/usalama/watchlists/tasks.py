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


@task()
def plan_deliveries_task() -> None:
    """Plan the e-mail/SMS deliveries of new alerts; send each (and any retry now due)."""
    from usalama.watchlists.delivery import due_deliveries, plan_deliveries

    new = plan_deliveries()
    for delivery_id in dict.fromkeys([*new, *due_deliveries()]):
        send_delivery_task.enqueue(delivery_id)


@task()
def send_delivery_task(delivery_id: int) -> None:
    from usalama.watchlists.delivery import send_delivery

    outcome = send_delivery(delivery_id)
    if outcome.retry_at is not None and send_delivery_task.get_backend().supports_defer:
        send_delivery_task.using(run_after=outcome.retry_at).enqueue(delivery_id)
