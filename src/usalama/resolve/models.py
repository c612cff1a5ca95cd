"""Entity resolution in the database: candidate pairs, analyst judgements, merges.

A pair is visible to a user only when both of its records' collections are (the records
gate, ``visible_collection_ids``); a merge only when all of its members' collections are.
Rows are written only by ``resolve.services``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.records.models import Collection, visible_collection_ids


class Verdict(models.TextChoices):
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Different people")
    UNSURE = "unsure", _("Unsure")


class PairStatus(models.TextChoices):
    MERGED = "merged", _("Merged automatically")
    REVIEW = "review", _("Waiting for review")
    JUDGED = "judged", _("Judged")
    BELOW = "below", _("Below the review threshold")


class Family(models.TextChoices):
    """Which model scored a pair (``usalama.analysis.resolve``: one model per family)."""

    PERSON = "person", _("People")
    ORGANIZATION = "organization", _("Companies and organisations")
    IDENTIFIER = "identifier", _("Accounts and wallets")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Engine(models.TextChoices):
    """Where Splink ran a run's models (``usalama.analysis.resolve.engines``)."""

    DUCKDB = "duckdb", _("DuckDB (this server)")
    SPARK = "spark", _("Apache Spark")


class ResolutionRunQuerySet(models.QuerySet["ResolutionRun"]):
    def visible_to(self, user: Any) -> ResolutionRunQuerySet:
        """Runs started by someone of the user's agency (a run's counts reveal little, but
        its collection keys are the agency's business)."""
        if user is None or not getattr(user, "agency_id", None):
            return self.none()
        if not getattr(user, "sees_records", False):
            # an agency administrator manages people, not their work (separation of duties)
            return self.none()
        return self.filter(user__agency_id=user.agency_id)


class ResolutionRun(models.Model):
    """One resolution run; a background run records its phase here for polling."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.CharField(max_length=150)
    collection_keys = models.JSONField(default=list)
    upper = models.FloatField()
    lower = models.FloatField()
    records = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DONE)
    phase = models.CharField(max_length=80, blank=True)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text=_("Records and pairs per family."))
    message = models.CharField(max_length=500, blank=True)
    engine = models.CharField(max_length=10, choices=Engine.choices, default=Engine.DUCKDB)
    # the Spark master the run was sent to (local[N] or spark://host:port); blank on DuckDB
    spark_master = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ResolutionRunQuerySet.as_manager()

    def __str__(self) -> str:
        return f"resolution run {self.pk}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.step / self.steps) if self.steps else 0


class CandidatePairQuerySet(models.QuerySet["CandidatePair"]):
    def visible_to(self, user: Any) -> CandidatePairQuerySet:
        allowed = visible_collection_ids(user)
        return self.filter(left_collection_id__in=allowed, right_collection_id__in=allowed)


class CandidatePair(models.Model):
    """Two records the model scored; ``left_entity_id < right_entity_id`` always."""

    left_entity_id = models.CharField(max_length=200)
    right_entity_id = models.CharField(max_length=200)
    left_collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    right_collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=12, choices=Family.choices, default=Family.PERSON)
    left_caption = models.CharField(max_length=500, blank=True)
    right_caption = models.CharField(max_length=500, blank=True)
    probability = models.FloatField()
    match_weight = models.FloatField()
    prior_weight = models.FloatField(default=0.0)
    weights = models.JSONField(default=dict, help_text=_("Match weight of each comparison."))
    levels = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=PairStatus.choices)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    auto_merge_blocked = models.BooleanField(
        default=False, help_text=_("Set when an analyst undid the merge this pair caused.")
    )
    run = models.ForeignKey(ResolutionRun, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    scored_at = models.DateTimeField(default=timezone.now)

    objects = CandidatePairQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["left_entity_id", "right_entity_id"], name="unique_candidate_pair"
            )
        ]
        indexes = [models.Index(fields=["status", "probability"])]

    def __str__(self) -> str:
        return f"{self.left_entity_id} ~ {self.right_entity_id}"


class Judgement(models.Model):
    """An analyst's verdict on a pair. The latest one counts; all are kept (and audited)."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.CASCADE, related_name="judgements")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pair}: {self.verdict}"


class MergeQuerySet(models.QuerySet["Merge"]):
    def visible_to(self, user: Any) -> MergeQuerySet:
        allowed = visible_collection_ids(user)
        return self.exclude(members__in=MergeMember.objects.exclude(collection_id__in=allowed))


class Merge(models.Model):
    """Records given one canonical id. Undoing restores each member's previous id."""

    canonical_id = models.CharField(max_length=200, db_index=True)
    run = models.ForeignKey(ResolutionRun, on_delete=models.SET_NULL, null=True, related_name="+")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    undone_by = models.CharField(max_length=150, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = MergeQuerySet.as_manager()

    def __str__(self) -> str:
        return self.canonical_id

    @property
    def active(self) -> bool:
        return self.undone_at is None


class MergeMember(models.Model):
    merge = models.ForeignKey(Merge, on_delete=models.CASCADE, related_name="members")
    entity_id = models.CharField(max_length=200)
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    previous_canonical_id = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.entity_id} in {self.merge}"
