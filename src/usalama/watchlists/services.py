"""Watchlist use cases: the only code that writes. Each checks permission and audits.

Reading goes through ``visible_to(user)`` (another agency's object answers NotFound). Writing
needs the caller's agency to own the watchlist (a grant is read-only); a refused write changes
nothing, is audited under the caller and answers PermissionDenied (visible) or NotFound.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from followthemoney import model as ftm_model

from usalama.accounts.models import Agency
from usalama.analysis.watchlist import (
    WatchlistIndex,
    display_plate,
    normalise_plate,
    plate_key,
    subject_from_ftm,
)
from usalama.audit.services import SYSTEM, Actor, record, record_refused
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.core.text import normalise_identifier, normalise_phone, tokens
from usalama.records.models import Collection, Statement
from usalama.watchlists.models import (
    AlertContact,
    Entry,
    Sighting,
    Subscription,
    Watchlist,
    WatchlistAlert,
    WatchlistGrant,
)

MAX_ENTRIES_PER_IMPORT = 200_000
SCREEN_CHUNK = 2000


# --- access -------------------------------------------------------------------------------


def visible_watchlists(user: Any) -> list[Watchlist]:
    return list(Watchlist.objects.visible_to(user).select_related("agency"))


def get_watchlist(user: Any, watchlist_id: int) -> Watchlist:
    found = Watchlist.objects.visible_to(user).select_related("agency").filter(id=watchlist_id)
    watchlist = found.first()
    if watchlist is None:
        raise NotFound("watchlist not found")
    return watchlist


def may_write(user: Any, watchlist: Watchlist) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "sees_records", False)
        and user.agency_id == watchlist.agency_id
    )


def _writable(user: Any, watchlist_id: int, action: str) -> Watchlist:
    """The watchlist if the caller's agency owns it; otherwise audit the refusal and raise."""
    visible = Watchlist.objects.visible_to(user).filter(id=watchlist_id).first()
    if visible is not None and may_write(user, visible):
        return visible
    record(
        Actor.of(user),
        "watchlists.write_denied",
        object_type="watchlist",
        object_id=watchlist_id,
        details={"action": action},
    )
    if visible is None:
        raise NotFound("watchlist not found")
    raise PermissionDenied("this watchlist was shared with your agency read-only")


def writable_watchlist(user: Any, watchlist_id: int, action: str) -> Watchlist:
    """The watchlist if the caller's agency may write it; else the refusal is audited and
    NotFound (not visible) or PermissionDenied (granted read-only) is raised. For a page to
    check before it reads an upload, so that a refusal does not look like bad input."""
    return _writable(user, watchlist_id, action)


def _require_data_role(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "sees_records", False)):
        raise PermissionDenied("your role does not work with watchlists")


# --- watchlists and entries ---------------------------------------------------------------


def create_watchlist(
    user: Any,
    *,
    key: str,
    label: str,
    kind: str,
    handling: str = "H2",
    description: str = "",
    threshold: float = 0.7,
) -> Watchlist:
    _require_data_role(user)
    if kind not in Watchlist.Kind.values:
        raise InvalidInput(f"kind must be one of {', '.join(Watchlist.Kind.values)}")
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput("threshold must be above 0 and at most 1")
    if Watchlist.objects.filter(key=key).exists():
        raise InvalidInput(f"a watchlist with key {key!r} already exists")
    with transaction.atomic():
        watchlist = Watchlist.objects.create(
            key=key,
            label=label,
            kind=kind,
            handling=handling,
            description=description,
            threshold=threshold,
            agency_id=user.agency_id,
            created_by=user.get_username(),
        )
        record(
            Actor.of(user),
            "watchlists.create",
            object_type="watchlist",
            object_id=watchlist.pk,
            details={"key": key, "kind": kind},
        )
    return watchlist


def grant(user: Any, watchlist_id: int, agency_code: str) -> WatchlistGrant:
    watchlist = _writable(user, watchlist_id, "grant")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise InvalidInput(f"no agency with code {agency_code!r}")
    if agency.pk == watchlist.agency_id:
        raise InvalidInput("a watchlist cannot be granted to its own agency")
    with transaction.atomic():
        given, _created = WatchlistGrant.objects.update_or_create(
            watchlist=watchlist,
            agency=agency,
            defaults={
                "granted_by": user.get_username(),
                "revoked_at": None,
                "granted_at": timezone.now(),
            },
        )
        record(
            Actor.of(user),
            "watchlists.grant",
            object_type="watchlist",
            object_id=watchlist.pk,
            details={"agency": agency.code},
        )
    return given


@dataclass
class EntryImport:
    added: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[str] | None = None


def _entity_caption(entity: Mapping[str, Any]) -> str:
    subject = subject_from_ftm(entity)
    if subject.schema == "Vehicle":
        return display_plate(subject.caption) if subject.caption else subject.id
    return subject.caption or subject.id


def _check_entity(entity: Any, where: str) -> dict[str, Any]:
    if not isinstance(entity, dict):
        raise InvalidInput(f"{where}: expected an entity object")
    schema = entity.get("schema")
    if not isinstance(schema, str) or ftm_model.get(schema) is None:
        raise InvalidInput(f"{where}: unknown schema {schema!r}")
    subject_from_ftm(entity)  # raises InvalidInput naming the problem
    return entity


# for the streaming import (watchlists.importing)
check_entry_entity = _check_entity
entity_caption = _entity_caption


def add_entries(
    user: Any,
    watchlist_id: int,
    entities: Iterable[Mapping[str, Any]],
    *,
    reason: str = "",
    expires_at: datetime | None = None,
    handling: str = "",
    source: str = "",
) -> EntryImport:
    """Add or update entries (by entity id). All or nothing: one bad entity stops the import."""
    watchlist = _writable(user, watchlist_id, "add_entries")
    checked = []
    for number, entity in enumerate(entities, start=1):
        if number > MAX_ENTRIES_PER_IMPORT:
            raise InvalidInput(f"at most {MAX_ENTRIES_PER_IMPORT} entries per import")
        checked.append(_check_entity(entity, f"entity {number}"))
    result = EntryImport()
    with transaction.atomic():
        existing = set(
            Entry.objects.filter(
                watchlist=watchlist, entity_id__in=[e["id"] for e in checked]
            ).values_list("entity_id", flat=True)
        )
        for entity in checked:
            props = entity.get("properties", {})
            notes = props.get("notes", [])
            entry_reason = reason or (str(notes[0]) if isinstance(notes, list) and notes else "")
            plate = ""
            if entity["schema"] == "Vehicle":
                plates = props.get("registrationNumber", [])
                plate = plate_key(plates[0]) if plates else ""
            defaults = {
                "schema": entity["schema"],
                "caption": _entity_caption(entity)[:500],
                "data": {"id": entity["id"], "schema": entity["schema"], "properties": props},
                "reason": entry_reason or "",
                "expires_at": expires_at,
                "handling": handling,
                "source": source[:300],
                "plate_key": plate,
                "active": True,
                "created_by": user.get_username(),
            }
            Entry.objects.update_or_create(
                watchlist=watchlist, entity_id=entity["id"], defaults=defaults
            )
            if entity["id"] in existing:
                result.updated += 1
            else:
                result.added += 1
        record(
            Actor.of(user),
            "watchlists.entries.import",
            object_type="watchlist",
            object_id=watchlist.pk,
            details={"added": result.added, "updated": result.updated, "source": source},
        )
    return result


def parse_ftm_lines(text: str) -> list[dict[str, Any]]:
    entities = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entity = json.loads(line)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"line {number}: not JSON ({error.msg})") from error
        entities.append(_check_entity(entity, f"line {number}"))
    if not entities:
        raise InvalidInput("the file holds no entity")
    return entities


def parse_csv(
    text: str, schema: str, mapping: Mapping[str, str], id_column: str = ""
) -> list[dict[str, Any]]:
    """Rows to FtM entities: ``mapping`` is {column: property of ``schema``}."""
    entity_schema = ftm_model.get(schema)
    if entity_schema is None:
        raise InvalidInput(f"unknown schema {schema!r}")
    for column, prop in mapping.items():
        if entity_schema.get(prop) is None:
            raise InvalidInput(f"column {column!r}: {schema} has no property {prop!r}")
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c
        for c in [*mapping, *([id_column] if id_column else [])]
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise InvalidInput(f"the CSV has no column {missing[0]!r}")
    entities = []
    for number, row in enumerate(reader, start=2):
        props: dict[str, list[str]] = {}
        for column, prop in mapping.items():
            value = (row.get(column) or "").strip()
            if value:
                props.setdefault(prop, []).append(value)
        if not props:
            continue
        entity_id = (row.get(id_column) or "").strip() if id_column else ""
        if not entity_id:
            entity_id = (
                "wl-"
                + "-".join(sorted(normalise_identifier(v) for vs in props.values() for v in vs))[
                    :180
                ]
            )
        entities.append(
            _check_entity({"id": entity_id, "schema": schema, "properties": props}, f"row {number}")
        )
    if not entities:
        raise InvalidInput("the CSV holds no usable row")
    return entities


def remove_entry(user: Any, watchlist_id: int, entry_id: int) -> None:
    watchlist = _writable(user, watchlist_id, "remove_entry")
    with transaction.atomic():
        entry = Entry.objects.filter(watchlist=watchlist, id=entry_id).first()
        if entry is None:
            raise NotFound("entry not found")
        entry.active = False
        entry.save(update_fields=["active"])
        record(
            Actor.of(user),
            "watchlists.entries.remove",
            object_type="watchlist_entry",
            object_id=entry.pk,
            details={"watchlist": watchlist.key},
        )


def entries(user: Any, watchlist_id: int, limit: int = 500) -> tuple[Watchlist, list[Entry]]:
    watchlist = get_watchlist(user, watchlist_id)
    rows = list(watchlist.entries.filter(active=True)[:limit])
    record(Actor.of(user), "watchlists.read", object_type="watchlist", object_id=watchlist.pk)
    return watchlist, rows


# --- screening ----------------------------------------------------------------------------


def _live_entries(watchlists: Iterable[Watchlist], now: datetime) -> list[Entry]:
    return list(
        Entry.objects.filter(watchlist__in=list(watchlists), active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("watchlist")
    )


def _entities_of(collection_id: int, entity_ids: list[str]) -> list[dict[str, Any]]:
    rows = Statement.objects.filter(collection_id=collection_id, entity_id__in=entity_ids)
    built: dict[str, dict[str, Any]] = {}
    for entity_id, schema, prop, value in rows.values_list("entity_id", "schema", "prop", "value"):
        entity = built.setdefault(entity_id, {"id": entity_id, "schema": schema, "properties": {}})
        if prop != "id":
            entity["properties"].setdefault(prop, []).append(value)
    return list(built.values())


@dataclass
class ScreenResult:
    records: int = 0
    alerts: int = 0
    notices: int = 0


def screen_collection(collection_id: int, since: datetime | None = None) -> ScreenResult:
    """Screen the collection's entities (seen at or after ``since``) against the watchlists
    visible to its owner, and against subscriptions; store new alerts. Run by the worker."""
    collection = Collection.objects.select_related("agency").filter(id=collection_id).first()
    result = ScreenResult()
    if collection is None:
        return result
    now = timezone.now()
    live = _live_entries(Watchlist.objects.for_agency(collection.agency_id), now)
    by_entity: dict[str, list[Entry]] = {}
    for entry in live:
        by_entity.setdefault(entry.entity_id, []).append(entry)
    index = WatchlistIndex(subject_from_ftm(e.data) for e in live) if live else None
    subscriptions = list(
        Subscription.objects.exclude(kind=Subscription.Kind.WATCHLIST).select_related(
            "user__agency"
        )
    )
    touched = Statement.objects.filter(collection_id=collection_id)
    if since is not None:
        touched = touched.filter(last_seen__gte=since)
    entity_ids = sorted(set(touched.values_list("entity_id", flat=True)))
    for start in range(0, len(entity_ids), SCREEN_CHUNK):
        chunk = _entities_of(collection_id, entity_ids[start : start + SCREEN_CHUNK])
        result.records += len(chunk)
        found: list[WatchlistAlert] = []
        for entity in chunk:
            try:
                subject = subject_from_ftm(entity)
            except InvalidInput:
                continue
            if index is not None:
                for match in index.screen_one(subject, 0.0):
                    for entry in by_entity.get(match.entry_id, []):
                        if match.score >= entry.watchlist.threshold:
                            found.extend(
                                _alerts_for(
                                    collection,
                                    entity,
                                    subject.caption,
                                    entry,
                                    match.score,
                                    list(match.explanation),
                                )
                            )
            found.extend(_subscription_alerts(collection, entity, subject, subscriptions))
        new = _store_new(found)
        result.alerts += sum(1 for a in new if not a.notice)
        result.notices += sum(1 for a in new if a.notice)
    if result.alerts or result.notices:
        record(
            SYSTEM,
            "watchlists.screen",
            object_type="collection",
            object_id=collection_id,
            details={"records": result.records, "alerts": result.alerts, "notices": result.notices},
        )
    return result


def _alerts_for(
    collection: Collection,
    entity: Mapping[str, Any],
    caption: str,
    entry: Entry,
    score: float,
    explanation: list[str],
) -> list[WatchlistAlert]:
    common = {
        "origin": WatchlistAlert.Origin.SCREENING,
        "entry": entry,
        "collection": collection,
        "record_entity_id": entity["id"],
        "record_agency_id": collection.agency_id,
        "score": score,
    }
    alerts = [
        WatchlistAlert(
            agency_id=collection.agency_id,
            record_caption=caption[:500],
            explanation=explanation,
            **common,
        )
    ]
    if entry.watchlist.agency_id != collection.agency_id:
        # the list's owner learns that another agency holds a matching record, not what it says
        alerts.append(
            WatchlistAlert(
                agency_id=entry.watchlist.agency_id,
                notice=True,
                record_caption="",
                explanation=[],
                **common,
            )
        )
    return alerts


def _subscription_matches(
    subscription: Subscription, entity: Mapping[str, Any], subject: Any
) -> bool:
    if subscription.kind == Subscription.Kind.ENTITY:
        return bool(entity["id"] == subscription.normalised)
    if subscription.kind == Subscription.Kind.IDENTIFIER:
        return any(value == subscription.normalised for _kind, value in subject.identifiers)
    words = set(tokens(" ".join(v for vs in entity["properties"].values() for v in vs)))
    return set(subscription.normalised.split()) <= words


def _subscription_alerts(
    collection: Collection,
    entity: Mapping[str, Any],
    subject: Any,
    subscriptions: list[Subscription],
) -> list[WatchlistAlert]:
    alerts = []
    visible_to: dict[int, bool] = {}
    for subscription in subscriptions:
        if not _subscription_matches(subscription, entity, subject):
            continue
        agency_id = subscription.user.agency_id
        if agency_id is None:
            continue
        if agency_id not in visible_to:
            visible_to[agency_id] = (
                collection.agency_id == agency_id
                or collection.grants.filter(agency_id=agency_id, revoked_at__isnull=True).exists()
            )
        seen = visible_to[agency_id]
        alerts.append(
            WatchlistAlert(
                agency_id=agency_id,
                origin=WatchlistAlert.Origin.SUBSCRIPTION,
                subscription=subscription,
                collection=collection,
                record_entity_id=entity["id"],
                record_caption=subject.caption[:500] if seen else "",
                record_agency_id=collection.agency_id,
                notice=not seen,
                score=1.0,
                explanation=[f"{subscription.get_kind_display()}: {subscription.value}"]
                if seen
                else [],
            )
        )
    return alerts


def _store_new(alerts: list[WatchlistAlert]) -> list[WatchlistAlert]:
    """Insert alerts whose (recipient, entry or subscription, record) pair was never raised."""
    if not alerts:
        return []
    entity_ids = {a.record_entity_id for a in alerts}
    existing = set(
        WatchlistAlert.objects.filter(
            record_entity_id__in=entity_ids, sighting__isnull=True
        ).values_list(
            "agency_id", "entry_id", "subscription_id", "collection_id", "record_entity_id"
        )
    )
    fresh: dict[tuple[Any, ...], WatchlistAlert] = {}
    for alert in alerts:
        key = (
            alert.agency_id,
            alert.entry_id,
            alert.subscription_id,
            alert.collection_id,
            alert.record_entity_id,
        )
        if key in existing:
            continue
        best = fresh.get(key)
        if best is None or alert.score > best.score:
            fresh[key] = alert
    WatchlistAlert.objects.bulk_create(list(fresh.values()), ignore_conflicts=True)
    if fresh:
        from usalama.watchlists.delivery import queue_planning

        queue_planning()
    return list(fresh.values())


def screen_watchlist(watchlist_id: int) -> ScreenResult:
    """Screen every collection whose owner sees this watchlist (after its entries changed)."""
    watchlist = Watchlist.objects.filter(id=watchlist_id).first()
    total = ScreenResult()
    if watchlist is None:
        return total
    agencies = {watchlist.agency_id} | set(
        watchlist.grants.filter(revoked_at__isnull=True).values_list("agency_id", flat=True)
    )
    for collection_id in Collection.objects.filter(agency_id__in=agencies).values_list(
        "id", flat=True
    ):
        part = screen_collection(collection_id)
        total.records += part.records
        total.alerts += part.alerts
        total.notices += part.notices
    return total


# --- alerts -------------------------------------------------------------------------------


def inbox(user: Any, status: str = "", limit: int = 200) -> list[WatchlistAlert]:
    rows = WatchlistAlert.objects.visible_to(user).select_related(
        "entry__watchlist__agency", "collection", "record_agency", "subscription", "sighting"
    )
    if status:
        if status not in WatchlistAlert.Status.values:
            raise InvalidInput(f"status must be one of {', '.join(WatchlistAlert.Status.values)}")
        rows = rows.filter(status=status)
    found = list(rows[:limit])
    record(Actor.of(user), "watchlists.inbox", details={"status": status, "shown": len(found)})
    return found


def get_alert(user: Any, alert_id: int) -> WatchlistAlert:
    alert = (
        WatchlistAlert.objects.visible_to(user)
        .select_related(
            "entry__watchlist__agency",
            "collection__agency",
            "record_agency",
            "subscription",
            "sighting",
        )
        .filter(id=alert_id)
        .first()
    )
    if alert is None:
        raise NotFound("alert not found")
    record(Actor.of(user), "watchlists.alert.read", object_type="alert", object_id=alert.pk)
    return alert


@dataclass(frozen=True)
class RecordProvenance:
    sources: list[str]
    first_seen: datetime | None
    last_seen: datetime | None


def record_provenance(alert: WatchlistAlert) -> RecordProvenance | None:
    """Where the record side came from (never for a hit notice: its content is not ours)."""
    if alert.notice or alert.collection_id is None:
        return None
    rows = Statement.objects.filter(
        collection_id=alert.collection_id, entity_id=alert.record_entity_id
    )
    sources = sorted(set(rows.values_list("source__name", flat=True)))
    stamps = list(rows.values_list("first_seen", "last_seen"))
    return RecordProvenance(
        sources=sources,
        first_seen=min((s[0] for s in stamps), default=None),
        last_seen=max((s[1] for s in stamps), default=None),
    )


def decide(user: Any, alert_id: int, status: str, note: str = "") -> WatchlistAlert:
    """Mark an alert true match, false positive or needs review (the recipient agency only)."""
    if status not in {
        WatchlistAlert.Status.TRUE_MATCH,
        WatchlistAlert.Status.FALSE_POSITIVE,
        WatchlistAlert.Status.NEEDS_REVIEW,
    }:
        raise InvalidInput("status must be true_match, false_positive or needs_review")
    alert = WatchlistAlert.objects.visible_to(user).filter(id=alert_id).first()
    if alert is None:
        record(
            Actor.of(user),
            "watchlists.decide_denied",
            object_type="alert",
            object_id=alert_id,
            details={"status": status},
        )
        raise NotFound("alert not found")
    with transaction.atomic():
        alert.status = status
        alert.note = note[:2000]
        alert.decided_by = user.get_username()
        alert.decided_at = timezone.now()
        alert.save(update_fields=["status", "note", "decided_by", "decided_at"])
        record(
            Actor.of(user),
            "watchlists.decide",
            object_type="alert",
            object_id=alert.pk,
            details={"status": status},
        )
    return alert


# --- subscriptions ------------------------------------------------------------------------


def _normalise_subscription(kind: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput("say what to follow")
    if kind == Subscription.Kind.ENTITY:
        return value
    if kind == Subscription.Kind.IDENTIFIER:
        phone = normalise_phone(value) if value.startswith("+") else None
        return phone or normalise_identifier(value)
    if kind == Subscription.Kind.SEARCH:
        words = tokens(value)
        if not words:
            raise InvalidInput("the search has no word to look for")
        return " ".join(sorted(set(words)))
    raise InvalidInput(f"kind must be one of {', '.join(Subscription.Kind.values)}")


def subscribe(
    user: Any,
    kind: str,
    value: str,
    *,
    by_email: bool = False,
    by_sms: bool = False,
    phone: str = "",
) -> Subscription:
    """Follow something; ``by_email``/``by_sms`` also send each new alert's reference and
    link to the account's e-mail / ``phone`` (kept as the user's alert contact)."""
    _require_data_role(user)
    if kind == Subscription.Kind.WATCHLIST:
        watchlist = Watchlist.objects.visible_to(user).filter(key=value.strip()).first()
        if watchlist is None:
            raise InvalidInput(f"no watchlist {value.strip()!r} that your agency sees")
        normalised = str(watchlist.pk)
    else:
        normalised = _normalise_subscription(kind, value) or value
    if by_email and not user.email:
        raise InvalidInput("e-mail: your account has no e-mail address (ask an administrator)")
    cleaned_phone = ""
    if phone.strip():
        digits = normalise_phone(phone.strip()) or ""
        cleaned_phone = "+" + digits.lstrip("+") if digits else ""  # E.164 for the gateway
        if not cleaned_phone:
            raise InvalidInput("phone: expected a number such as +254712345678")
    elif by_sms:
        contact = AlertContact.objects.filter(user=user).first()
        if contact is None or not contact.phone:
            raise InvalidInput("phone: give a mobile number for SMS alerts")
    with transaction.atomic():
        subscription, _created = Subscription.objects.update_or_create(
            user=user,
            kind=kind,
            normalised=normalised,
            defaults={"value": value.strip()[:300], "by_email": by_email, "by_sms": by_sms},
        )
        if cleaned_phone:
            AlertContact.objects.update_or_create(
                user=user, defaults={"phone": cleaned_phone, "updated_at": timezone.now()}
            )
        record(
            Actor.of(user),
            "watchlists.subscribe",
            object_type="subscription",
            object_id=subscription.pk,
            details={"kind": kind, "email": by_email, "sms": by_sms},
        )
    return subscription


def unsubscribe(user: Any, subscription_id: int) -> None:
    subscription = Subscription.objects.visible_to(user).filter(id=subscription_id).first()
    if subscription is None:
        record(
            Actor.of(user),
            "watchlists.unsubscribe_denied",
            object_type="subscription",
            object_id=subscription_id,
        )
        raise NotFound("subscription not found")
    with transaction.atomic():
        subscription.delete()
        record(
            Actor.of(user),
            "watchlists.unsubscribe",
            object_type="subscription",
            object_id=subscription_id,
        )


# --- ANPR ---------------------------------------------------------------------------------


def refuse_non_sensor(user: Any, attempted: str) -> None:
    """Sightings come from sensor tokens only (a person's token is refused, audited)."""
    record_refused(
        user,
        attempted,
        object_type="sighting",
        reason="sightings are posted with a sensor token",
    )
    raise PermissionDenied("sightings are posted with a sensor token (admin console → Sensors)")


def _live_plate_entry_ids(key: str, agency_id: int, now: datetime) -> list[int]:
    """Ids of live vehicle entries with this plate key on lists the agency sees (owned or
    granted): one indexed query, written out because it runs for every sighting."""
    entry = Entry._meta.db_table
    watchlist = Watchlist._meta.db_table
    grant = WatchlistGrant._meta.db_table
    # table names come from the models, every value is a parameter
    sql = (
        f"SELECT e.id FROM {entry} e JOIN {watchlist} w ON w.id = e.watchlist_id "  # noqa: S608
        "WHERE e.plate_key = %s AND e.active = %s AND w.active = %s "
        "AND (e.expires_at IS NULL OR e.expires_at > %s) "
        f"AND (w.agency_id = %s OR EXISTS (SELECT 1 FROM {grant} g WHERE g.watchlist_id = w.id "
        "AND g.agency_id = %s AND g.revoked_at IS NULL))"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, True, True, stamp, agency_id, agency_id])
        return [row[0] for row in cursor.fetchall()]


def record_sighting(
    user: Any,
    *,
    plate: str,
    camera_id: str,
    seen_at: datetime,
    lat: float,
    lon: float,
    sensor: Any = None,
) -> tuple[Sighting, list[WatchlistAlert]]:
    """Store one plate read and raise an alert for each live vehicle entry it matches.

    ``sensor`` is the sensor token the read came with (the API); it must name the camera
    if it is bound to cameras. Without one (the demo, tests) the user needs a data role.
    Sightings without a hit are not audited one by one: an audit event per read would keep
    every plate and place in the append-only log long after the retention deletes it.
    """
    if sensor is None:
        _require_data_role(user)
    else:
        if not sensor.is_sensor or user.agency_id is None:
            refuse_non_sensor(user, "sensors.anpr")
        if not sensor.allows_camera(camera_id):
            record_refused(
                user,
                "sensors.anpr",
                object_type="api_token",
                object_id=sensor.pk,
                reason=f"camera {camera_id[:100]!r} is not bound to this token",
            )
            raise PermissionDenied(f"camera {camera_id[:100]!r} is not bound to this token")
    canonical = normalise_plate(plate)
    if not 2 <= len(canonical) <= 12:
        raise InvalidInput("plate: expected 2 to 12 letters and digits")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise InvalidInput("lat/lon: outside the globe")
    key = plate_key(canonical)
    now = timezone.now()
    hit_ids = _live_plate_entry_ids(key, user.agency_id, now)
    hits = (
        list(Entry.objects.filter(pk__in=hit_ids).select_related("watchlist").order_by("pk"))
        if hit_ids
        else []
    )
    fields = {
        "agency_id": user.agency_id,
        "plate": canonical,
        "plate_read": plate[:40],
        "plate_key": key,
        "camera_id": camera_id[:100],
        "seen_at": seen_at,
        "lat": lat,
        "lon": lon,
        "hit": bool(hits),
    }
    if not hits:
        # one INSERT is atomic on its own: no transaction round trip for the common case
        sighting = Sighting.objects.create(received_at=now, **fields)
        _maybe_queue_sweep()
        return sighting, []
    with transaction.atomic():
        sighting = Sighting.objects.create(**fields)
        alerts = []
        for entry in hits:
            explanation = [
                f"plate {display_plate(plate)} read as {plate!r} matches {entry.caption}",
                f"camera {camera_id}",
            ]
            alerts.append(
                WatchlistAlert.objects.create(
                    agency_id=user.agency_id,
                    origin=WatchlistAlert.Origin.ANPR,
                    entry=entry,
                    sighting=sighting,
                    record_entity_id=f"sighting-{sighting.pk}",
                    record_caption=display_plate(canonical),
                    record_agency_id=user.agency_id,
                    score=1.0,
                    explanation=explanation,
                )
            )
            if entry.watchlist.agency_id != user.agency_id:
                alerts.append(
                    WatchlistAlert.objects.create(
                        agency_id=entry.watchlist.agency_id,
                        origin=WatchlistAlert.Origin.ANPR,
                        entry=entry,
                        sighting=sighting,
                        record_entity_id=f"sighting-{sighting.pk}",
                        record_agency_id=user.agency_id,
                        notice=True,
                        score=1.0,
                    )
                )
        if hits:
            record(
                Actor.of(user),
                "watchlists.anpr.hit",
                object_type="sighting",
                object_id=sighting.pk,
                details={"camera": camera_id, "entries": [e.pk for e in hits]},
            )
            from usalama.watchlists.delivery import queue_planning

            queue_planning()
    _maybe_queue_sweep()
    return sighting, alerts


_SWEEP_EVERY_SECONDS = 3600.0
_last_sweep_queued = [float("-inf")]


def _maybe_queue_sweep() -> None:
    """While sightings arrive, queue the retention sweep at most once an hour per process."""
    import time

    if time.monotonic() - _last_sweep_queued[0] < _SWEEP_EVERY_SECONDS:
        return
    _last_sweep_queued[0] = time.monotonic()
    from usalama.watchlists.tasks import sweep_task

    try:
        sweep_task.enqueue()
    except Exception:  # the sweep also runs from cron (usalama watchlist sweep)
        import logging

        logging.getLogger("usalama.watchlists").exception("could not queue the sweep")


def map_hits(user: Any, since: datetime | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Sightings with a hit for the caller's agency, newest first, for the live map."""
    rows = WatchlistAlert.objects.visible_to(user).filter(
        origin=WatchlistAlert.Origin.ANPR, sighting__isnull=False, notice=False
    )
    if since is not None:
        rows = rows.filter(created_at__gt=since)
    out = []
    for alert in rows.select_related("sighting", "entry__watchlist")[:limit]:
        sighting = alert.sighting
        assert sighting is not None
        out.append(
            {
                "alert": alert.pk,
                "plate": display_plate(sighting.plate),
                "read": sighting.plate_read,
                "camera": sighting.camera_id,
                "seen_at": timezone.localtime(sighting.seen_at).isoformat(),
                "lat": sighting.lat,
                "lon": sighting.lon,
                "entry": alert.entry.caption if alert.entry else "",
                "watchlist": alert.entry.watchlist.label if alert.entry else "",
                "reason": alert.entry.reason if alert.entry else "",
                "status": alert.get_status_display(),
            }
        )
    record(Actor.of(user), "watchlists.map", details={"shown": len(out)})
    return out


def retention_days() -> int:
    return int(getattr(settings, "USALAMA_ANPR_RETENTION_DAYS", 30))


@dataclass
class SweepResult:
    sightings_deleted: int
    entries_expired: int


def sweep(now: datetime | None = None) -> SweepResult:
    """Delete sightings without a hit older than the retention; retire expired entries.
    One audit event per run says how many (never which plates)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    with transaction.atomic():
        deleted, _detail = Sighting.objects.filter(hit=False, received_at__lt=cutoff).delete()
        expired = Entry.objects.filter(active=True, expires_at__lte=now).update(active=False)
        record(
            SYSTEM,
            "watchlists.sweep",
            details={
                "sightings_deleted": deleted,
                "entries_expired": expired,
                "retention_days": retention_days(),
                "cutoff": cutoff.isoformat(),
            },
        )
    return SweepResult(deleted, expired)


def queue_screening(watchlist_id: int) -> None:
    """Re-screen the records that the list's entries may now match, in the background."""
    from usalama.watchlists.tasks import screen_watchlist_task

    screen_watchlist_task.enqueue(watchlist_id)
