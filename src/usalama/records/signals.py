"""Signals the records app sends, so that domain apps can react without records importing them.

``entity_read(sender, user, entity_id, collection_ids)``: a user read an entity made of
statements from these collections (``records.services.get_entity``, after the audit event).
"""

from __future__ import annotations

from django.dispatch import Signal

entity_read = Signal()
