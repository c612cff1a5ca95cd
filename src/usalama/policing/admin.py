from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from usalama.policing.models import Incident


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: incidents are written only by ``services.import_incidents`` (audited)."""

    list_display = ("external_id", "collection", "category", "priority", "received_at")
    list_filter = ("collection", "priority")
    search_fields = ("external_id", "category", "beat")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
