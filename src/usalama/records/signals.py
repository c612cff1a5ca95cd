"""Signals records sends so that domain apps can react without records importing them.

``entities_ingested``: sent after ``services.ingest_entities`` stored entities (imports, the
API, intake, ledger, demo). Arguments: ``collection_id`` and ``since`` (the ingest's
``last_seen`` time: the entities touched are those of the collection seen at or after it).
Receivers must be quick (queue a background job) and must not raise.
"""

from __future__ import annotations

import django.dispatch

entities_ingested = django.dispatch.Signal()
