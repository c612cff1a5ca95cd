"""The append-only, hash-chained audit log.

Each event's ``hash`` is SHA-256 over its canonical form plus the previous event's hash, so
changing, inserting or removing any stored row breaks every hash after it. Database triggers
refuse UPDATE and DELETE; ``usalama audit verify`` catches whatever gets past them.
"""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    time = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150, blank=True, help_text="Username, or a system actor.")
    actor_id = models.BigIntegerField(null=True, blank=True)
    agency = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=200, blank=True, db_index=True)
    query = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["actor", "time"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.time:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}"

    @property
    def details_text(self) -> str:
        """The details on one line for a reader: ``count=4; filters: object_type=incident``,
        nested values flattened (not Python's ``{'object_type': ...}``), long values cut."""
        # sorted: PostgreSQL's jsonb keeps no insertion order, and both databases read alike
        details = self.details or {}
        return "; ".join(_detail(key, details[key]) for key in sorted(details))


def _detail(key: str, value: object, limit: int = 80) -> str:
    if isinstance(value, dict):
        inner = ", ".join(_detail(str(k), value[k], limit) for k in sorted(value))
        return f"{key}: {inner}" if inner else f"{key}: —"
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return f"{key}={text if len(text) <= limit else text[: limit - 1] + '…'}"
