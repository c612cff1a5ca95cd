"""Wiring to the base apps: screen what records stores, and resume screening after a crash."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

log = logging.getLogger("usalama.watchlists")


def _on_ingest(sender: Any, collection_id: int, since: datetime, **kwargs: Any) -> None:
    from usalama.watchlists.models import Subscription, Watchlist
    from usalama.watchlists.tasks import screen_ingested

    # Nothing to screen against: no job (keeps imports free of work when no list exists).
    if not Watchlist.objects.exists() and not Subscription.objects.exists():
        return
    try:
        screen_ingested.enqueue(collection_id, since.isoformat())
    except Exception:  # a queue failure must not fail the import that triggered it
        log.exception("could not queue screening of collection %s", collection_id)


def connect() -> None:
    from usalama.records.signals import entities_ingested
    from usalama.records.worker import register_resumable

    entities_ingested.connect(_on_ingest, dispatch_uid="watchlists.screen_on_ingest")
    register_resumable("usalama.watchlists.tasks.screen_ingested")
    register_resumable("usalama.watchlists.tasks.screen_watchlist_task")
    register_resumable("usalama.watchlists.tasks.sweep_task")
    # deliveries are planned once per (alert, user, channel) and a sent one is never resent
    register_resumable("usalama.watchlists.tasks.plan_deliveries_task")
    register_resumable("usalama.watchlists.tasks.send_delivery_task")
