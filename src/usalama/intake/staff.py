"""Staff use cases: the triage queue, audited views of tips and reports, replies, triage,
and recording the hand-over to a policing incident.

Every function takes the user, reads through ``visible_to`` (another agency's item is
``NotFound``) and audits what the user saw or changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from usalama.accounts.models import Agency
from usalama.audit.services import record
from usalama.core.errors import InvalidInput, NotFound
from usalama.intake import duplicates, notify
from usalama.intake.categories import BY_CODE
from usalama.intake.models import (
    Channel,
    Message,
    Priority,
    Report,
    Status,
    Submission,
    Tip,
    may_triage,
)
from usalama.intake.services import MAX_MESSAGE, clean_field


# --- staff: queue, views, replies, triage --------------------------------------------------------
@dataclass(frozen=True)
class QueueItem:
    kind: str
    id: int
    label: str
    category: str
    suggested_category: str
    priority: str
    suggested_priority: str
    status: str
    channel: str
    verified_source: bool
    place: str
    created_at: datetime
    excerpt: str
    group: int

    # Labels, not codes, on the page (translated when shown).
    @property
    def priority_label(self) -> Any:
        return _label(Priority, self.priority)

    @property
    def suggested_priority_label(self) -> Any:
        return _label(Priority, self.suggested_priority) if self.suggested_priority else ""

    @property
    def status_label(self) -> Any:
        return _label(Status, self.status)

    @property
    def channel_label(self) -> Any:
        return _label(Channel, self.channel)


def _label(choices: Any, code: str) -> Any:
    return choices(code).label if code in choices.values else code


def _require_triage(user: Any) -> None:
    if not may_triage(user):
        raise NotFound("not found")


def _place(item: Submission) -> str:
    parts = [item.ward, item.sub_county, item.county, item.location_text]
    return ", ".join(p for p in parts if p)


def queue(user: Any, *, include_closed: bool = False, limit: int = 200) -> list[QueueItem]:
    """Open reports and tips, newest first, with likely duplicates sharing a group number."""
    _require_triage(user)
    open_statuses = [
        s for s in Status.values if include_closed or s not in {Status.CLOSED, Status.DUPLICATE}
    ]
    items: list[Submission] = [
        *Report.objects.visible_to(user)
        .filter(status__in=open_statuses)
        .order_by("-created_at")[:limit],
        *Tip.objects.visible_to(user)
        .filter(status__in=open_statuses)
        .order_by("-created_at")[:limit],
    ]
    items.sort(key=lambda s: s.created_at, reverse=True)
    items = items[:limit]

    def key(item: Submission) -> str:
        return f"{'report' if isinstance(item, Report) else 'tip'}:{item.pk}"

    groups = duplicates.group(
        [
            duplicates.Item(
                key(s),
                s.category,
                s.created_at if s.occurred_at is None else s.occurred_at,
                s.description,
                s.ward,
                s.sub_county,
                s.county,
                s.location_text,
                s.lat,
                s.lon,
            )
            for s in items
        ]
    )
    group_of = {k: n for n, members in enumerate(groups, start=1) for k in members}
    record(user, "intake.queue.view", details={"count": len(items)})
    return [
        QueueItem(
            kind="report" if isinstance(s, Report) else "tip",
            id=s.pk,
            label=s.reference if isinstance(s, Report) else f"TIP-{s.pk}",
            category=s.category,
            suggested_category=s.suggested_category,
            priority=s.priority,
            suggested_priority=s.suggested_priority,
            status=s.status,
            channel=s.channel,
            verified_source=s.verified_source,
            place=_place(s),
            created_at=s.created_at,
            excerpt=s.description[:160],
            group=group_of[key(s)],
        )
        for s in items
    ]


def get_tip(user: Any, tip_id: int) -> Tip:
    """A tip for a staff member; every view is audited."""
    _require_triage(user)
    tip = Tip.objects.visible_to(user).filter(pk=tip_id).first()
    if tip is None:
        raise NotFound("not found")
    record(user, "intake.tip.view", object_type="tip", object_id=tip.pk)
    return tip  # type: ignore[no-any-return]


def get_report(user: Any, report_id: int) -> Report:
    _require_triage(user)
    report = Report.objects.visible_to(user).filter(pk=report_id).first()
    if report is None:
        raise NotFound("not found")
    record(user, "intake.report.view", object_type="report", object_id=report.pk)
    return report  # type: ignore[no-any-return]


def get_item(user: Any, kind: str, item_id: int) -> Tip | Report:
    """A tip or a report (``kind``) for a staff member, audited; any other kind is not found."""
    if kind == "tip":
        return get_tip(user, item_id)
    if kind == "report":
        return get_report(user, item_id)
    raise NotFound("not found")


def reply_to_tip(user: Any, tip_id: int, text: str) -> Message:
    tip = get_tip(user, tip_id)
    body = clean_field(text, "text", max_length=MAX_MESSAGE)
    with transaction.atomic():
        message = Message.objects.create(
            tip=tip, author=Message.Author.STAFF, staff_user=user, text=body, channel=Channel.WEB
        )
        Tip.objects.filter(pk=tip.pk).update(updated_at=timezone.now())
        record(
            user,
            "intake.tip.reply",
            object_type="tip",
            object_id=tip.pk,
            details={"message": message.pk},
        )
    return message


def triage(
    user: Any,
    kind: str,
    item_id: int,
    *,
    category: str | None = None,
    priority: str | None = None,
    status: str | None = None,
    assigned_agency: str | None = None,
    station: str | None = None,
    public_note: str | None = None,
) -> Submission:
    """Confirm or change category and priority, assign, set status and the public note."""
    item = get_item(user, kind, item_id)
    changes: dict[str, Any] = {}
    if category is not None:
        if category not in BY_CODE:
            raise InvalidInput(f"category: unknown category {category[:40]!r}")
        changes.update(category=category, category_confirmed=True)
    if priority is not None:
        if priority not in Priority.values:
            raise InvalidInput(f"priority: one of {', '.join(Priority.values)}")
        changes["priority"] = priority
    if status is not None:
        if status not in Status.values:
            raise InvalidInput(f"status: one of {', '.join(Status.values)}")
        # The triage form always sends the status it showed: an unchanged "new" is no
        # choice, and saving a confirmed category and priority makes the item triaged.
        if status != item.status:
            changes["status"] = status
    if assigned_agency:
        agency = Agency.objects.filter(code=assigned_agency).first()
        if agency is None:
            raise InvalidInput(f"assigned_agency: no agency {assigned_agency[:32]!r}")
        changes["assigned_agency"] = agency
        if status is None and item.status in {Status.NEW, Status.TRIAGED}:
            changes["status"] = Status.ASSIGNED
    if station is not None:
        changes["station"] = clean_field(station, "station", max_length=200, required=False)
    if public_note is not None:
        changes["public_note"] = clean_field(
            public_note, "public_note", max_length=500, required=False
        )
    if not changes:
        raise InvalidInput("nothing to change")
    if "status" not in changes and item.status == Status.NEW:
        changes["status"] = Status.TRIAGED
    status_before = item.status
    with transaction.atomic():
        for name, value in changes.items():
            setattr(item, name, value)
        item.save()
        if item.status != status_before:
            notify.on_status_change(item)
        record(
            user,
            "intake.triage",
            object_type=kind,
            object_id=item.pk,
            details={
                k: (v.code if isinstance(v, Agency) else v)
                for k, v in changes.items()
                if k != "public_note"
            },
        )
    return item


# --- hand-over to a policing incident ----------------------------------------------------------
# Statuses from which an item may still be converted (closed and merged items are done).
CONVERTIBLE = frozenset({Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS})


def source_ref(kind: str, item_id: int) -> str:
    """How an incident names the submission it came from (its external id)."""
    return f"intake:{kind}:{item_id}"


@dataclass(frozen=True)
class Handover:
    """What the delivery layer needs to open an incident for a submission."""

    kind: str
    id: int
    source: str
    category: str
    category_name: str
    priority: str
    station: str
    received_at: datetime
    lat: float | None
    lon: float | None
    incident_number: int | None


def handover(user: Any, kind: str, item_id: int) -> Handover:
    """The fields of a report or tip that an incident takes over (an audited view).

    A new item may be converted directly: pressing "convert" accepts the category and
    priority the page shows (``mark_converted`` records them as confirmed).
    """
    item = get_item(user, kind, item_id)
    if item.status not in CONVERTIBLE:
        raise InvalidInput("closed or merged items are not converted")
    category = BY_CODE.get(item.category)
    return Handover(
        kind=kind,
        id=item.pk,
        source=source_ref(kind, item.pk),
        category=item.category,
        category_name=category.name_en if category else item.category,
        priority=item.priority,
        station=item.station,
        received_at=item.occurred_at or item.created_at,
        lat=item.lat,
        lon=item.lon,
        incident_number=item.incident_number,
    )


def mark_converted(
    user: Any,
    kind: str,
    item_id: int,
    *,
    incident_number: int,
    station: str = "",
    incident_ob: str = "",
) -> Submission:
    """Keep the link to the new incident; the reporter now sees "under investigation".

    Nothing about the incident is public: the status page shows the status label, the
    station and the officer's public note, never the incident number.
    """
    model = Tip if kind == "tip" else Report
    item = model.objects.visible_to(user).filter(pk=item_id).first()
    if item is None or not may_triage(user):
        raise NotFound("not found")
    station = clean_field(station, "station", max_length=200, required=False) or item.station
    was_converted = item.incident_number is not None
    status_before = item.status
    with transaction.atomic():
        item.incident_number = incident_number
        item.incident_ob = incident_ob[:80] or item.incident_ob
        item.category_confirmed = True
        item.converted_at = item.converted_at or timezone.now()
        item.status = Status.IN_PROGRESS
        item.station = station
        if item.assigned_agency_id is None:
            item.assigned_agency_id = user.agency_id
        item.save()
        record(
            user,
            "intake.convert",
            object_type=kind,
            object_id=item.pk,
            details={"incident": incident_number, "ob": incident_ob, "station": station},
        )
        if status_before != item.status or not was_converted:
            notify.on_status_change(item)
    return item  # type: ignore[no-any-return]


@dataclass(frozen=True)
class LinkedItem:
    kind: str
    id: int
    label: str
    status: str
    status_label: Any
    channel_label: Any
    language: str
    created_at: datetime
    excerpt: str


def linked_to_incident(user: Any, incident_number: int) -> list[LinkedItem]:
    """The reports and tips the user may see that were converted to this incident."""
    if not may_triage(user):
        return []
    found: list[Submission] = [
        *Report.objects.visible_to(user).filter(incident_number=incident_number),
        *Tip.objects.visible_to(user).filter(incident_number=incident_number),
    ]
    if found:
        record(
            user,
            "intake.linked.view",
            object_type="incident",
            object_id=incident_number,
            details={"count": len(found)},
        )
    return [
        LinkedItem(
            kind="report" if isinstance(s, Report) else "tip",
            id=s.pk,
            label=s.reference if isinstance(s, Report) else f"TIP-{s.pk}",
            status=s.status,
            status_label=_label(Status, s.status),
            channel_label=_label(Channel, s.channel),
            language=s.language,
            created_at=s.created_at,
            excerpt=s.description[:200],
        )
        for s in sorted(found, key=lambda s: s.created_at)
    ]
