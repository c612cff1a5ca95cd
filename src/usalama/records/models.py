"""Collections of FollowTheMoney entities, stored as statements with provenance.

An entity is the aggregate of its statements. Each statement says: in this collection, from
this source (file, row), entity X has property P = V, first seen at T1, last seen at T2, with
this grading. Access control is one gate: ``visible_to(user)`` on every manager here. An
agency reads its own collections, collections granted to it (``CollectionGrant``), and, for
statements and entity records, entities granted to it one by one (``EntityGrant``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency
from usalama.records.grading import Assessment, Handling, Reliability, Tlp

if TYPE_CHECKING:
    from usalama.accounts.models import User


def active_grants(now: Any = None) -> Any:
    """Grants in force now: not revoked and not past their expiry (checked at every read)."""
    now = now or timezone.now()
    return CollectionGrant.objects.filter(revoked_at__isnull=True).filter(
        models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
    )


def visible_collection_ids(user: User | Any) -> Any:
    """The single access gate: ids of collections the user's agency owns or was given.

    A grant counts while it is neither revoked nor expired. A grant of an H3 collection
    (restrictions stated by the originator) counts for a user only once that user has
    acknowledged the grant's conditions (``GrantAcknowledgement``).
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "sees_records", False):
        return []
    grants = active_grants().filter(agency_id=user.agency_id)
    open_grants = grants.exclude(collection__handling="H3")
    acknowledged = grants.filter(collection__handling="H3", acknowledgements__user_id=user.pk)
    owned = models.Q(agency_id=user.agency_id)
    granted = models.Q(id__in=open_grants.values("collection_id")) | models.Q(
        id__in=acknowledged.values("collection_id")
    )
    return Collection.objects.filter(owned | granted).values_list("id", flat=True).distinct()


def active_entity_grants(now: Any = None) -> Any:
    """Entity-selection grants in force now (not revoked, not expired), checked at every read."""
    now = now or timezone.now()
    return EntityGrant.objects.filter(revoked_at__isnull=True).filter(
        models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
    )


def open_entity_grant_ids(user: User | Any) -> list[int]:
    """Ids of the entity-selection grants the user reads under now.

    Like a collection grant: in force, to the user's agency, and, when the selection holds
    H3 material (``restricted``), only once this user acknowledged the grant's conditions.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "sees_records", False):
        return []
    grants = active_entity_grants().filter(agency_id=user.agency_id)
    opened = grants.filter(restricted=False) | grants.filter(
        restricted=True, acknowledgements__user_id=user.pk
    )
    return sorted(set(opened.values_list("id", flat=True)))


def granted_entities_q(grant_ids: Any) -> models.Q:
    """Rows (statements or entity records) of an entity granted by one of these grants: the
    same collection and entity id as a ``GrantedEntity`` of the grant."""
    ids = [int(g) for g in grant_ids]
    if not ids:
        return models.Q(pk__in=[])
    return models.Q(
        models.Exists(
            GrantedEntity.objects.filter(
                grant_id__in=ids,
                collection_id=models.OuterRef("collection_id"),
                entity_id=models.OuterRef("entity_id"),
            )
        )
    )


def scope_q(collection_ids: Any, grant_ids: Any = ()) -> models.Q:
    """Statements or entity records in these collections, or granted by these entity grants."""
    whole = models.Q(collection_id__in=collection_ids)
    grant_ids = list(grant_ids)
    return whole | granted_entities_q(grant_ids) if grant_ids else whole


def visible_rows_q(user: User | Any) -> models.Q:
    """The read gate for statements and entity records: the collections the user sees in
    full (``visible_collection_ids``) and the entities granted to the user's agency one by
    one (``EntityGrant``)."""
    return scope_q(visible_collection_ids(user), open_entity_grant_ids(user))


def writable_collection_ids(user: User | Any) -> Any:
    """The single write gate: ids of collections the user may change.

    Seeing is not writing: a grant (``CollectionGrant``) lets another agency *read* a
    collection, never change it. Today only the owning agency writes; an explicit write right
    would be one more ``Q`` here (e.g. a grant with a write flag), and every write follows it.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "sees_records", False):
        return []
    return Collection.objects.filter(models.Q(agency_id=user.agency_id)).values_list(
        "id", flat=True
    )


class CollectionQuerySet(models.QuerySet["Collection"]):
    def visible_to(self, user: Any) -> CollectionQuerySet:
        return self.filter(id__in=visible_collection_ids(user))

    def writable_by(self, user: Any) -> CollectionQuerySet:
        return self.filter(id__in=writable_collection_ids(user))


class Collection(models.Model):
    key = models.SlugField(max_length=100, unique=True)
    label = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="collections")
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.X)
    assessment = models.CharField(
        max_length=1, choices=Assessment.choices, default=Assessment.CANNOT_JUDGE
    )
    handling = models.CharField(max_length=2, choices=Handling.choices, default=Handling.H2)
    tlp = models.CharField(max_length=12, choices=Tlp.choices, default=Tlp.AMBER)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class CollectionGrant(models.Model):
    """Another agency may read this collection. Created only by the sharing services.

    Read-only: a grant never lets the recipient write. It stops counting at once when
    revoked or when ``expires_at`` passes.
    """

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="granted_collections")
    granted_by = models.CharField(max_length=150)
    granted_by_user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    purpose = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "agency"], name="unique_collection_grant")
        ]

    def __str__(self) -> str:
        return f"{self.collection} → {self.agency}"

    def is_active(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class GrantAcknowledgement(models.Model):
    """A user of the recipient agency has read and accepted an H3 grant's conditions."""

    grant = models.ForeignKey(
        CollectionGrant, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "user"], name="unique_grant_acknowledgement")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.grant_id}"


class EntityGrant(models.Model):
    """Another agency may read a chosen set of entities: their statements in the owner's
    collections, and nothing else of those collections. Created only by the sharing services.

    Read-only, like a collection grant; stops counting at once when revoked or expired.
    ``restricted`` is set when any granted statement is handled H3: each user of the
    recipient then acknowledges the conditions before the entities open.
    """

    owner = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="granted_entities")
    label = models.CharField(max_length=200)
    granted_by = models.CharField(max_length=150)
    granted_by_user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    purpose = models.TextField()
    conditions = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    restricted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} → {self.agency}"

    def is_active(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class GrantedEntity(models.Model):
    """One entity of an entity-selection grant, as one of the owner's collections holds it."""

    grant = models.ForeignKey(EntityGrant, on_delete=models.CASCADE, related_name="items")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    entity_id = models.CharField(max_length=200)
    caption = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "collection", "entity_id"], name="unique_granted_entity"
            )
        ]
        indexes = [models.Index(fields=["collection", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.entity_id} ({self.grant_id})"


class EntityGrantAcknowledgement(models.Model):
    """A user of the recipient agency accepted a restricted entity grant's conditions."""

    grant = models.ForeignKey(
        EntityGrant, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "user"], name="unique_entity_grant_ack")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged entity grant {self.grant_id}"


class Source(models.Model):
    """Where statements came from: an import of a file, the demo generator, a form."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("File import")
        DEMO = "demo", _("Demo generator")
        MANUAL = "manual", _("Entered by hand")

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=300, help_text=_("File name or description."))
    sha256 = models.CharField(max_length=64, blank=True)
    importer = models.CharField(max_length=64, blank=True)
    importer_version = models.CharField(max_length=32, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set when every record of the source is stored.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "kind", "name", "sha256"], name="unique_source_per_file"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StatementQuerySet(models.QuerySet["Statement"]):
    def visible_to(self, user: Any) -> StatementQuerySet:
        return self.filter(visible_rows_q(user))


class Statement(models.Model):
    """One FtM statement. ``id`` is FtM's statement key, so re-imports are recognised."""

    id = models.CharField(max_length=64, primary_key=True)
    entity_id = models.CharField(max_length=200, db_index=True)
    canonical_id = models.CharField(max_length=200, db_index=True)
    schema = models.CharField(max_length=64)
    prop = models.CharField(max_length=64)
    prop_type = models.CharField(max_length=32)
    value = models.TextField()
    lang = models.CharField(max_length=3, blank=True)
    original_value = models.TextField(blank=True)
    # No index of its own (the (collection, entity_id) index starts with it) and no database
    # constraint: the only writer, records.writing, stores the ids of rows it has just made,
    # and the per-row constraint check cost a third of the statement writes on PostgreSQL.
    # Django still cascades and protects on delete (see docs/decisions/0007).
    collection = models.ForeignKey(
        Collection,
        on_delete=models.CASCADE,
        related_name="statements",
        db_index=False,
        db_constraint=False,
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="statements", db_constraint=False
    )
    record_ref = models.CharField(
        max_length=100, blank=True, help_text=_("Row or element number in the source.")
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, blank=True)
    assessment = models.CharField(max_length=1, choices=Assessment.choices, blank=True)
    handling = models.CharField(max_length=2, choices=Handling.choices, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    objects = StatementQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["collection", "entity_id"]),
            # Only entity references (short ids) are indexed by value: "who points at X?".
            models.Index(
                fields=["value"], name="stmt_entity_ref", condition=models.Q(prop_type="entity")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}.{self.prop} = {self.value[:40]}"

    @property
    def effective_reliability(self) -> str:
        return self.reliability or self.collection.reliability

    @property
    def effective_assessment(self) -> str:
        return self.assessment or self.collection.assessment

    @property
    def effective_handling(self) -> str:
        return self.handling or self.collection.handling


class EntityRecordQuerySet(models.QuerySet["EntityRecord"]):
    def visible_to(self, user: Any) -> EntityRecordQuerySet:
        return self.filter(visible_rows_q(user))


class EntityRecord(models.Model):
    """One entity as one collection knows it: the row search runs over.

    ``search_text`` holds normalised names (accents folded, lower case) and identifiers
    (phones in E.164 digits, ID numbers upper-cased without separators); SQLite indexes it
    with FTS5 and PostgreSQL with a GIN tsvector index (see the migrations).
    """

    # Indexed as the first column of unique_entity_record; no database constraint, as for
    # Statement.collection (docs/decisions/0007).
    collection = models.ForeignKey(
        Collection,
        on_delete=models.CASCADE,
        related_name="entities",
        db_index=False,
        db_constraint=False,
    )
    entity_id = models.CharField(max_length=200)
    canonical_id = models.CharField(max_length=200, db_index=True)
    schema = models.CharField(max_length=64, db_index=True)
    caption = models.CharField(max_length=500)
    search_text = models.TextField()
    statement_count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    objects = EntityRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "entity_id"], name="unique_entity_record")
        ]
        indexes = [models.Index(fields=["entity_id"])]

    def __str__(self) -> str:
        return self.caption


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        return self.filter(collection_id__in=visible_collection_ids(user))


class ImportJob(models.Model):
    """An uploaded file waiting for, or going through, a background import."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="imports")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=300)
    stored_path = models.CharField(max_length=500)
    format = models.CharField(max_length=12)
    mapping = models.TextField(blank=True)
    strict = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=20, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    entities = models.PositiveIntegerField(default=0)
    statements_added = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors_csv = models.TextField(blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    def __str__(self) -> str:
        return f"import {self.pk} of {self.file_name}"


class WorkerHeartbeat(models.Model):
    """A running background worker's lease: renewed every few seconds while it lives.

    A job claimed by a worker whose heartbeat is older than the lease is handed back to the
    queue by any other worker, on any host (``records.worker.resume_abandoned``).
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id}"
