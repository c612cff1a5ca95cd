"""Signals the records app sends, so that domain apps can react without records importing them.

``entities_ingested``: sent after ``services.ingest_entities`` stored entities (imports, the
API, intake, ledger, demo). Arguments: ``collection_id`` and ``since`` (the ingest's
``last_seen`` time: the entities touched are those of the collection seen at or after it).
Receivers must be quick (queue a background job) and must not raise.

``entity_read(sender, user, entity_id, collection_ids)``: a user read an entity made of
statements from these collections (``records.services.get_entity``, after the audit event).

``disseminated(sender, kind, originator_id, recipient_id, actor, note, subject, url)``: a
shareable of a domain app (see ``records.shareables``; today a case) was granted, revoked or
read by another agency. The sharing app writes it to the originator's dissemination log.
"""

from django.dispatch import Signal

entities_ingested = Signal()
entity_read = Signal()
disseminated = Signal()
