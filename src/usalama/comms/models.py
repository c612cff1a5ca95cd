"""Cell sites of a collection: where the cells its call records name stand, and where they point.

A cell list comes with the call records (the operator's return under the same court order,
or OpenCelliD's public layout), so it belongs to the collection the records are in and is
seen exactly by those who see that collection.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from usalama.records.models import Collection, visible_collection_ids


class CellSiteQuerySet(models.QuerySet["CellSite"]):
    def visible_to(self, user: Any) -> CellSiteQuerySet:
        return self.filter(collection_id__in=visible_collection_ids(user))


class CellSite(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="cell_sites")
    #: ``MCC-MNC-LAC-CI`` with each part a plain integer (as the CDR reader keys cells)
    cell = models.CharField(max_length=64)
    lat = models.FloatField()
    lon = models.FloatField()
    azimuth = models.FloatField(null=True, blank=True, help_text=_("Degrees from north."))
    beam_width = models.FloatField(null=True, blank=True, help_text=_("Degrees."))
    range_m = models.FloatField(null=True, blank=True)
    radio = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)

    objects = CellSiteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "cell"], name="unique_cell_per_collection"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.cell
