"""Oversight use cases: the only code that writes officers, complaints, notifications, summonses,
model versions and flags. Each checks access and records an audit event; a refused write is
audited too, under the acting user, and changes nothing.

Reads: a complaint is IPOA's (its investigators read it) or shared by IPOA; another agency's
complaint is ``NotFound``. Writes: only the owning agency's investigators.
"""

from __future__ import annotations

import contextvars
import csv
import datetime as dt
import functools
import hashlib
import io
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from usalama.accounts.models import Agency
from usalama.accounts.roles import Role
from usalama.audit import services as audit
from usalama.audit.services import Actor
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.oversight import signals
from usalama.oversight.models import (
    NEXT_STAGES,
    SUPERVISING_ROLES,
    UNBOUNDED_DISPARITY,
    Allegation,
    AllegationCategory,
    Attachment,
    Channel,
    Complaint,
    Finding,
    FlagStatus,
    ModelVersion,
    Notification,
    NotificationKind,
    Officer,
    Penalty,
    Posting,
    Recommendation,
    RiskFlag,
    Shift,
    Stage,
    StageChange,
    Summons,
)

CODE_BYTES = 12  # 96 bits: a follow-up code cannot be guessed, so a plain SHA-256 suffices
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 5000
MAX_SHORT = 200  # place, station, an officer's description, a name (the columns' length)
NUMERIC_CODE_DIGITS = 30  # the digits-only code of SMS and USSD complaints (~100 bits)
REFERRING_ROLES = (*SUPERVISING_ROLES, Role.INTERNAL_AFFAIRS)
REFERRING_KINDS = ("police", "investigations")  # the DCI is a directorate of the police
SUGGESTION_MARGIN_HOURS = 2  # officers on duty this long either side of the complaint's time
DEFAULT_DISPARITY_BOUND = 1.25  # the four-fifths rule read both ways (0.8 .. 1.25)


def disparity_bound() -> float:
    """The configured bound (``USALAMA_EIS_DISPARITY_BOUND``), 1.25 by default."""
    from django.conf import settings

    return float(getattr(settings, "EIS_DISPARITY_BOUND", DEFAULT_DISPARITY_BOUND))


_PENDING: contextvars.ContextVar[list[tuple[Any, str, str, Any, str]] | None] = (
    contextvars.ContextVar("oversight_refusals", default=None)
)
F = TypeVar("F", bound=Callable[..., Any])


def _refuse(user: Any, action: str, obj: str, pk: Any, why: str) -> None:
    """Audit a refused write. Inside ``writes`` the event is written after the rollback, so
    that the refusal is recorded even though the transaction it happened in is not."""
    pending = _PENDING.get()
    if pending is not None:
        pending.append((user, action, obj, pk, why))
        return
    audit.record(user, f"{action}.refused", object_type=obj, object_id=pk, details={"why": why})


def writes(func: F) -> F:
    """``transaction.atomic`` for a use case, keeping the audit events of its refusals."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        pending: list[tuple[Any, str, str, Any, str]] = []
        token = _PENDING.set(pending)
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        finally:
            _PENDING.reset(token)
            for user, action, obj, pk, why in pending:
                audit.record(
                    user, f"{action}.refused", object_type=obj, object_id=pk, details={"why": why}
                )

    return wrapper  # type: ignore[return-value]


# --- officers ---------------------------------------------------------------------------------


def officers_for(user: Any) -> Any:
    """Officers a user may see, no more than the role needs.

    - IPOA's investigators: the officers named in the oversight agency's own complaints, and
      the officers on duty (rostered) at the station and time of those complaints — the
      suggestions made when a complainant cannot name the officer. Not the whole registry.
    - A police agency's supervisors, commanders and internal affairs: their own agency's.
    - Anyone else: none.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
        return Officer.objects.none()
    if user.has_role(Role.OVERSIGHT_INVESTIGATOR) and user.agency.kind == "oversight":
        margin = dt.timedelta(hours=SUGGESTION_MARGIN_HOURS)
        named = Allegation.objects.filter(
            complaint__agency_id=user.agency_id, officer__isnull=False
        ).values("officer_id")
        complaint_in_shift = Complaint.objects.filter(
            agency_id=user.agency_id,
            station__iexact=models.OuterRef("station"),
            occurred_at__lte=models.OuterRef("ends_at") + margin,
            occurred_at__gte=models.OuterRef("starts_at") - margin,
        )
        on_duty = Shift.objects.filter(models.Exists(complaint_in_shift)).values("officer_id")
        return Officer.objects.filter(models.Q(pk__in=named) | models.Q(pk__in=on_duty))
    if user.agency.kind in REFERRING_KINDS and user.has_role(*REFERRING_ROLES):
        return Officer.objects.filter(agency_id=user.agency_id)
    return Officer.objects.none()


def _officer_entity(officer: Officer) -> dict[str, Any]:
    props: dict[str, list[str]] = {"name": [officer.name], "idNumber": [officer.service_number]}
    if officer.rank:
        props["position"] = [officer.rank]
    if officer.gender:
        props["gender"] = [officer.gender.lower()]
    return {
        "id": f"officer-{officer.agency.code.lower()}-{officer.service_number}",
        "schema": "Person",
        "properties": props,
    }


def _publish_officers(actor: Actor, agency: Agency, officers: list[Officer], name: str) -> None:
    """Officers are FtM Person entities in the agency's officer collection, so resolution can
    link them to the same people in other records."""
    from usalama.records import services as records
    from usalama.records.models import Source

    collection = records.ensure_collection(
        actor,
        key=f"{agency.code.lower()}-officers",
        agency=agency,
        label=f"{agency.code} officer registry",
        reliability="A",
        assessment="1",
        handling="H2",
    )
    entities = [_officer_entity(o) for o in officers]
    digest = hashlib.sha256(repr(sorted(e["id"] for e in entities)).encode()).hexdigest()
    source = records.ensure_source(
        collection,
        kind=Source.Kind.MANUAL,
        name=name,
        sha256=digest,
        importer="oversight.officers",
        importer_version="1",
        created_by=actor.name,
    )
    records.ingest_entities(
        actor, collection, source, [(e, str(i + 1)) for i, e in enumerate(entities)]
    )
    for officer, entity in zip(officers, entities, strict=True):
        if officer.entity_id != entity["id"]:
            officer.entity_id = entity["id"]
            officer.save(update_fields=["entity_id"])


OFFICER_FIELDS = (
    "service_number",
    "name",
    "rank",
    "gender",
    "appointed_on",
    "station",
    "unit",
    "posted_on",
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    postings: int


def import_officers(
    user: Any,
    agency: Agency,
    data: bytes | str,
    mapping: dict[str, str],
    *,
    source_name: str = "upload.csv",
) -> ImportResult:
    """Import officers (and their current posting) from CSV; ``mapping`` maps our field to the
    file's column. A bad row names its line; nothing is written unless every row is good."""
    actor = Actor.of(user) if not isinstance(user, Actor) else user
    if not isinstance(user, Actor) and (
        user.agency_id != agency.pk
        or not user.has_role(Role.AGENCY_ADMIN, Role.SUPERVISOR, Role.COMMANDER)
    ):
        _refuse(user, "oversight.officers.import", "agency", agency.pk, "not this agency's manager")
        raise PermissionDenied("only this agency's administrators or supervisors import officers")
    unknown = set(mapping) - set(OFFICER_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s) in the mapping: {', '.join(sorted(unknown))}")
    for required in ("service_number", "name"):
        if required not in mapping:
            raise InvalidInput(f"the mapping needs {required}")
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in mapping.values() if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"the file lacks column(s): {', '.join(missing)}")
    rows = []
    for line, raw in enumerate(reader, start=2):
        row = {field: (raw.get(column) or "").strip() for field, column in mapping.items()}
        if not row["service_number"] or not row["name"]:
            raise InvalidInput(f"line {line}: service number and name are required")
        for field in ("appointed_on", "posted_on"):
            if row.get(field):
                try:
                    row[field] = dt.date.fromisoformat(row[field])
                except ValueError as error:
                    raise InvalidInput(f"line {line}: {field} must be YYYY-MM-DD") from error
        rows.append(row)
    created = updated = postings = 0
    touched: list[Officer] = []
    with transaction.atomic():
        for row in rows:
            officer, was_created = Officer.objects.update_or_create(
                agency=agency,
                service_number=row["service_number"],
                defaults={
                    "name": row["name"],
                    "rank": row.get("rank", ""),
                    "gender": row.get("gender", ""),
                    "appointed_on": row.get("appointed_on") or None,
                },
            )
            created += was_created
            updated += not was_created
            touched.append(officer)
            if row.get("station"):
                start = row.get("posted_on") or timezone.localdate()
                current = officer.postings.filter(end_date__isnull=True).first()
                if current is None or (current.station, current.unit) != (
                    row["station"],
                    row.get("unit", ""),
                ):
                    if current is not None:
                        current.end_date = start
                        current.save(update_fields=["end_date"])
                    Posting.objects.create(
                        officer=officer,
                        station=row["station"],
                        unit=row.get("unit", ""),
                        start_date=start,
                    )
                    postings += 1
        _publish_officers(actor, agency, touched, source_name)
        audit.record(
            actor,
            "oversight.officers.import",
            object_type="agency",
            object_id=agency.pk,
            details={"created": created, "updated": updated, "postings": postings},
        )
    return ImportResult(created, updated, postings)


def add_shifts(
    actor: Actor, officer: Officer, shifts: Iterable[tuple[str, dt.datetime, dt.datetime]]
) -> int:
    made = Shift.objects.bulk_create(
        [Shift(officer=officer, station=s, starts_at=a, ends_at=b) for s, a, b in shifts]
    )
    audit.record(
        actor,
        "oversight.roster.add",
        object_type="officer",
        object_id=officer.pk,
        details={"shifts": len(made)},
    )
    return len(made)


# --- complaints -------------------------------------------------------------------------------


def oversight_agency() -> Agency:
    agency = Agency.objects.filter(kind="oversight").order_by("pk").first()
    if agency is None:
        raise NotFound("no oversight agency is configured")
    return agency


def _new_reference() -> str:
    year = timezone.now().year
    for _ in range(20):
        reference = f"IPOA-{year}-{secrets.randbelow(10**6):06d}"
        if not Complaint.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("could not draw a free complaint reference")


def hash_code(code: str) -> str:
    return hashlib.sha256("".join(ch for ch in code.upper() if ch.isalnum()).encode()).hexdigest()


def new_code(*, numeric: bool = False) -> str:
    """A follow-up code: 96 bits as hex in groups of four, or — for SMS and USSD, where a
    keypad has digits only — 30 digits (99.7 bits) in groups of six."""
    if numeric:
        digits = f"{secrets.randbelow(10**NUMERIC_CODE_DIGITS):0{NUMERIC_CODE_DIGITS}d}"
        return " ".join(digits[i : i + 6] for i in range(0, NUMERIC_CODE_DIGITS, 6))
    raw = secrets.token_hex(CODE_BYTES).upper()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@writes
def file_public_complaint(
    *,
    description: str,
    place: str = "",
    station: str = "",
    occurred_at: dt.datetime | None = None,
    officer_description: str = "",
    category: str = AllegationCategory.OTHER,
    name: str = "",
    phone: str = "",
    channel: str = Channel.WEB,
    reference: str = "",
) -> tuple[Complaint, str]:
    """A complaint from the public (anonymous when no name is given). Returns it and the
    follow-up code, which is shown once and stored only as a hash."""
    if len(description.strip()) < MIN_DESCRIPTION:
        raise InvalidInput("please describe what happened (at least 10 characters)")
    if len(description.strip()) > MAX_DESCRIPTION:
        raise InvalidInput(f"description: at most {MAX_DESCRIPTION} characters")
    for label, value in (
        ("place", place),
        ("station", station),
        ("officer", officer_description),
        ("name", name),
    ):
        if len(value.strip()) > MAX_SHORT:
            raise InvalidInput(f"{label}: at most {MAX_SHORT} characters")
    if category not in AllegationCategory.values:
        raise InvalidInput(f"unknown category {category!r}")
    code = new_code(numeric=channel in (Channel.SMS, Channel.USSD))
    complaint = Complaint.objects.create(
        agency=oversight_agency(),
        reference=reference or _new_reference(),
        code_hash=hash_code(code),
        channel=channel,
        anonymous=not name.strip(),
        complainant_name=name.strip(),
        complainant_phone=phone.strip(),
        description=description.strip(),
        place=place.strip(),
        station=station.strip(),
        occurred_at=occurred_at,
    )
    Allegation.objects.create(
        complaint=complaint, category=category, officer_description=officer_description.strip()
    )
    audit.record(
        Actor(name="public"),
        "oversight.complaint.file",
        object_type="complaint",
        object_id=complaint.pk,
        details={"channel": channel},
    )
    return complaint, code


def complaint_by_code(code: str) -> Complaint:
    complaint = (
        Complaint.objects.filter(code_hash=hash_code(code)).first() if code.strip() else None
    )
    if complaint is None:
        raise NotFound("no complaint has this code")
    audit.record(
        Actor(name="public"),
        "oversight.complaint.follow_up",
        object_type="complaint",
        object_id=complaint.pk,
    )
    return complaint


@writes
def refer_complaint(
    user: Any,
    *,
    description: str,
    place: str,
    station: str = "",
    occurred_at: dt.datetime | None = None,
    category: str = AllegationCategory.OTHER,
    officer: Officer | None = None,
    officers: Iterable[Officer] | None = None,
    categories: Iterable[str] = (),
    attachments: Iterable[tuple[str, bytes]] = (),
) -> Complaint:
    """A police referral to IPOA: IPOA owns it and shares it back with the referring agency.

    Made by a police agency's supervisors, commanders or internal affairs, about its own
    officers. ``officers`` and ``categories`` (when given) make one allegation per officer
    and category; ``officer``/``category`` are the one-officer, one-category shorthand."""
    if not may_refer(user):
        _refuse(user, "oversight.complaint.refer", "complaint", "", "not a police supervisor")
        raise PermissionDenied(
            "complaints are referred by a police agency's supervisors or internal affairs"
        )
    named = list(officers) if officers is not None else ([officer] if officer else [])
    if any(o.agency_id != user.agency_id for o in named):
        raise NotFound("no such officer")
    kinds = list(dict.fromkeys(categories)) if categories else [category]
    for kind in kinds:
        if kind not in AllegationCategory.values:
            raise InvalidInput(f"unknown category {kind!r}")
    if len(description.strip()) < MIN_DESCRIPTION:
        raise InvalidInput("describe the incident (at least 10 characters)")
    files = [
        (_attachment_name(name), data, _attachment_type(name, data)) for name, data in attachments
    ]
    complaint = Complaint.objects.create(
        agency=oversight_agency(),
        reference=_new_reference(),
        channel=Channel.POLICE_REFERRAL,
        referred_by=user.agency,
        description=description.strip(),
        place=place.strip(),
        station=station.strip(),
        occurred_at=occurred_at,
    )
    complaint.shared_with.add(user.agency)
    concerned: list[Officer | None] = [*named] or [None]  # None: IPOA names them later
    Allegation.objects.bulk_create(
        [
            Allegation(complaint=complaint, officer=who, category=kind)
            for who in concerned
            for kind in kinds
        ]
    )
    for name, data, content_type in files:
        Attachment.objects.create(
            complaint=complaint,
            file=ContentFile(data, name=f"{secrets.token_hex(16)}{ATTACHMENT_TYPES[content_type]}"),
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    audit.record(
        user,
        "oversight.complaint.refer",
        object_type="complaint",
        object_id=complaint.pk,
        details={
            "officers": len(named),
            "allegations": len(kinds) * max(len(named), 1),
            "attachments": len(files),
        },
    )
    return complaint


# content type -> file suffix; the type is read from the file's first bytes, not its name
ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def _attachment_type(name: str, data: bytes) -> str:
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    raise InvalidInput(f"{_attachment_name(name)}: only PDF, JPEG or PNG files can be attached")


def _attachment_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    cleaned = "".join(ch for ch in base if ch.isprintable())[:MAX_SHORT]
    return cleaned or "attachment"


def read_attachment(user: Any, pk: int, attachment_id: int) -> Attachment:
    """An attachment of a complaint the user may read (404 otherwise); audited."""
    complaint = get_complaint(user, pk)
    attachment = complaint.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("no such attachment")
    audit.record(
        user,
        "oversight.attachment.read",
        object_type="complaint_attachment",
        object_id=attachment.pk,
        details={"complaint": complaint.pk},
    )
    return attachment


def may_refer(user: Any) -> bool:
    """A police agency's supervisors, commanders and internal affairs refer complaints."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.agency_id
        and user.agency.kind in REFERRING_KINDS
        and user.has_role(*REFERRING_ROLES)
    )


def list_complaints(user: Any, stage: str = "") -> list[Complaint]:
    queryset = Complaint.objects.visible_to(user).select_related("agency", "referred_by")
    if stage:
        if stage not in Stage.values:
            raise InvalidInput(f"unknown stage {stage!r}")
        queryset = queryset.filter(stage=stage)
    rows = list(queryset[:500])
    audit.record(
        user,
        "oversight.complaint.list",
        object_type="complaint",
        query=stage,
        details={"count": len(rows)},
    )
    return rows


def get_complaint(user: Any, pk: int) -> Complaint:
    complaint = Complaint.objects.visible_to(user).filter(pk=pk).first()
    if complaint is None:
        audit.record(
            user, "oversight.complaint.read.refused", object_type="complaint", object_id=pk
        )
        raise NotFound("no such complaint")
    audit.record(user, "oversight.complaint.read", object_type="complaint", object_id=pk)
    return complaint


def _writable(user: Any, pk: int, action: str) -> Complaint:
    """The complaint, if the user's agency owns it and the user investigates; else refused
    (NotFound when they cannot even see it, PermissionDenied when it was only shared)."""
    complaint = Complaint.objects.visible_to(user).filter(pk=pk).first()
    if complaint is None:
        _refuse(user, action, "complaint", pk, "not visible")
        raise NotFound("no such complaint")
    if complaint.agency_id != user.agency_id or not user.has_role(Role.OVERSIGHT_INVESTIGATOR):
        _refuse(user, action, "complaint", pk, "shared read-only")
        raise PermissionDenied("only the oversight agency that owns this complaint can change it")
    return complaint


@writes
def move_stage(
    user: Any,
    pk: int,
    to_stage: str,
    *,
    note: str = "",
    recommendation: str = "",
    outcome: str = "",
) -> Complaint:
    complaint = _writable(user, pk, "oversight.complaint.stage")
    if to_stage not in NEXT_STAGES.get(complaint.stage, ()):
        raise InvalidInput(
            f"a complaint at {Stage(complaint.stage).label} cannot move to {to_stage!r}"
        )
    if to_stage == Stage.RECOMMENDATION:
        if recommendation not in Recommendation.values or not recommendation:
            raise InvalidInput(
                "choose a recommendation: prosecution, disciplinary action or no further action"
            )
        complaint.recommendation = recommendation
    if to_stage == Stage.OUTCOME:
        if not outcome.strip():
            raise InvalidInput("describe the outcome")
        complaint.outcome = outcome.strip()
    StageChange.objects.create(
        complaint=complaint,
        from_stage=complaint.stage,
        to_stage=to_stage,
        note=note.strip(),
        by=user.get_username(),
    )
    complaint.stage = to_stage
    complaint.updated_at = timezone.now()
    complaint.save()
    audit.record(
        user,
        "oversight.complaint.stage",
        object_type="complaint",
        object_id=pk,
        details={"to": to_stage, "recommendation": complaint.recommendation},
    )
    return complaint


@writes
def share_complaint(user: Any, pk: int, agency_code: str) -> Complaint:
    complaint = _writable(user, pk, "oversight.complaint.share")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise InvalidInput(f"no agency {agency_code!r}")
    complaint.shared_with.add(agency)
    audit.record(
        user,
        "oversight.complaint.share",
        object_type="complaint",
        object_id=pk,
        details={"with": agency.code},
    )
    return complaint


def find_officer(reference: str) -> Officer:
    """The officer a service number names: ``12345``, or ``NPS:12345`` where two agencies use
    the same number. IPOA's mandate covers every police agency's officers, so any agency's
    registry may be named."""
    text = reference.strip()
    code, _, number = text.rpartition(":")
    officers = Officer.objects.filter(service_number__iexact=number.strip()).select_related(
        "agency"
    )
    if code.strip():
        officers = officers.filter(agency__code__iexact=code.strip())
    found = list(officers[:3])
    if not found:
        raise InvalidInput(f"no officer with service number {text!r} in the registry")
    if len(found) > 1:
        agencies = " and ".join(o.agency.code for o in found)
        raise InvalidInput(
            f"service number {number.strip()!r} is used in {agencies}: "
            f"write it as {found[0].agency.code}:{number.strip()}"
        )
    return found[0]


def _officer(officer_id: int | None, reference: str) -> Officer | None:
    if officer_id is not None:
        officer = Officer.objects.filter(pk=officer_id).first()
        if officer is None:
            raise InvalidInput("no such officer")
        return officer
    return find_officer(reference) if reference.strip() else None


@writes
def add_allegation(
    user: Any,
    pk: int,
    category: str,
    *,
    officer_id: int | None = None,
    officer: str = "",
    officer_description: str = "",
) -> Allegation:
    """A further allegation on a complaint (one complaint often names several acts or officers)."""
    complaint = _writable(user, pk, "oversight.allegation.add")
    if category not in AllegationCategory.values:
        raise InvalidInput(f"unknown allegation category {category!r}")
    allegation = Allegation.objects.create(
        complaint=complaint,
        category=category,
        officer=_officer(officer_id, officer),
        officer_description=officer_description.strip()[:200],
    )
    audit.record(
        user,
        "oversight.allegation.add",
        object_type="allegation",
        object_id=allegation.pk,
        details={"complaint": complaint.reference, "category": category},
    )
    return allegation


@writes
def set_allegation(
    user: Any,
    pk: int,
    allegation_id: int,
    *,
    officer_id: int | None = None,
    officer: str = "",
    finding: str | None = None,
    penalty: str | None = None,
) -> Allegation:
    """Name the officer, and record the finding and the penalty (CPDP-style codes)."""
    complaint = _writable(user, pk, "oversight.allegation.update")
    allegation = complaint.allegations.filter(pk=allegation_id).first()
    if allegation is None:
        raise NotFound("no such allegation")
    named = _officer(officer_id, officer)
    if named is not None:
        allegation.officer = named
    if finding is not None:
        if finding not in Finding.values:
            raise InvalidInput(f"unknown finding {finding!r}")
        allegation.finding = finding
    if penalty is not None:
        if penalty not in Penalty.values:
            raise InvalidInput(f"unknown penalty {penalty!r}")
        allegation.penalty = penalty
    if allegation.penalty and allegation.finding != Finding.SUSTAINED:
        raise InvalidInput("a penalty follows only a sustained finding")
    allegation.save()
    audit.record(
        user,
        "oversight.allegation.update",
        object_type="allegation",
        object_id=allegation.pk,
        details={
            "finding": allegation.finding,
            "penalty": allegation.penalty,
            "officer": allegation.officer.service_number if allegation.officer else "",
        },
    )
    return allegation


@writes
def issue_summons(
    user: Any,
    pk: int,
    officer_id: int | None = None,
    due_at: dt.datetime | None = None,
    *,
    officer: str = "",
) -> Summons:
    """Summon an officer to appear before IPOA; one not attended by ``due_at`` shows as ignored."""
    complaint = _writable(user, pk, "oversight.summons.issue")
    summoned = _officer(officer_id, officer)
    if summoned is None:
        raise InvalidInput("name the officer to summon")
    if due_at is None:
        raise InvalidInput("give the date the officer must appear by")
    summons = Summons.objects.create(complaint=complaint, officer=summoned, due_at=due_at)
    audit.record(
        user,
        "oversight.summons.issue",
        object_type="summons",
        object_id=summons.pk,
        details={"officer": summoned.service_number, "due": due_at.isoformat()},
    )
    return summons


@writes
def record_attendance(user: Any, pk: int, summons_id: int) -> Summons:
    complaint = _writable(user, pk, "oversight.summons.attend")
    summons = complaint.summonses.filter(pk=summons_id).first()
    if summons is None:
        raise NotFound("no such summons")
    if summons.attended_at is not None:
        raise InvalidInput("the officer's attendance is already recorded")
    summons.attended_at = timezone.now()
    summons.save(update_fields=["attended_at"])
    audit.record(user, "oversight.summons.attend", object_type="summons", object_id=summons.pk)
    return summons


def suggest_officers(
    user: Any, pk: int, margin_hours: int = SUGGESTION_MARGIN_HOURS
) -> list[Officer]:
    """Officers rostered at the complaint's station around the time it happened, for when the
    complainant cannot name the officer."""
    complaint = _writable(user, pk, "oversight.complaint.suggest")
    if not complaint.occurred_at or not complaint.station:
        return []
    margin = dt.timedelta(hours=margin_hours)
    shifts = Shift.objects.filter(
        station__iexact=complaint.station,
        starts_at__lte=complaint.occurred_at + margin,
        ends_at__gte=complaint.occurred_at - margin,
    ).select_related("officer")
    officers = sorted({s.officer for s in shifts}, key=lambda o: o.service_number)
    audit.record(
        user,
        "oversight.complaint.suggest",
        object_type="complaint",
        object_id=pk,
        details={"suggested": len(officers)},
    )
    return officers


# --- s. 25 notifications ----------------------------------------------------------------------


@writes
def notify(
    user: Any,
    *,
    kind: str,
    occurred_at: dt.datetime,
    place: str,
    summary: str,
    officers: Iterable[Officer] = (),
    reported_at: dt.datetime | None = None,
) -> Notification:
    """A police agency reports a death or serious injury to IPOA (IPOA Act s. 25)."""
    if not user.sees_records or user.agency is None or user.agency.kind != "police":
        # s. 25 binds the police: only a police agency reports, and only about its own
        # officers (checked below) and incidents.
        _refuse(user, "oversight.notification.create", "notification", "", "not a police data role")
        raise PermissionDenied("notifications are made by the police agency concerned")
    if kind not in NotificationKind.values:
        raise InvalidInput(f"unknown notification kind {kind!r}")
    officers = list(officers)
    if any(o.agency_id != user.agency_id for o in officers):
        raise NotFound("no such officer")
    notification = Notification.objects.create(
        agency=user.agency,
        recipient=oversight_agency(),
        kind=kind,
        occurred_at=occurred_at,
        reported_at=reported_at or timezone.now(),
        place=place,
        summary=summary,
    )
    notification.officers.set(officers)
    audit.record(
        user,
        "oversight.notification.create",
        object_type="notification",
        object_id=notification.pk,
        details={"kind": kind, "breached": notification.breached},
    )
    officers_involved = [(o.name, o.service_number, o.user_id) for o in officers]
    transaction.on_commit(
        lambda: signals.critical_incident.send(
            sender=Notification,
            agency=notification.agency,
            kind=kind,
            occurred_at=occurred_at,
            place=place,
            reference=f"s25-{notification.pk}",
            officers=officers_involved,
        )
    )
    return notification


def list_notifications(user: Any) -> list[Notification]:
    rows = list(Notification.objects.visible_to(user).select_related("agency")[:500])
    audit.record(
        user,
        "oversight.notification.list",
        object_type="notification",
        details={"count": len(rows)},
    )
    return rows


# --- early intervention -----------------------------------------------------------------------


def _supervises(user: Any, agency_id: int) -> bool:
    return bool(
        user.is_authenticated and user.agency_id == agency_id and user.has_role(*SUPERVISING_ROLES)
    )


@writes
def publish_model(
    actor: Actor,
    agency: Agency,
    *,
    version: str,
    as_of: dt.date,
    metrics: dict[str, Any],
    fairness: list[dict[str, Any]],
    max_disparity: float,
    bound: float | None = None,
) -> ModelVersion:
    """Record a trained model with its fairness table. It is deployed at once when its
    disparity is within the bound; otherwise it waits for a supervisor's sign-off."""
    bound = disparity_bound() if bound is None else bound
    max_disparity = min(max_disparity, UNBOUNDED_DISPARITY)  # infinity too
    model = ModelVersion.objects.create(
        agency=agency,
        version=version,
        as_of=as_of,
        metrics=metrics,
        fairness=fairness,
        max_disparity=max_disparity,
        bound=bound,
        deployed=max_disparity <= bound,
    )
    audit.record(
        actor,
        "oversight.eis.model",
        object_type="eis_model",
        object_id=model.pk,
        details={"version": version, "max_disparity": max_disparity, "deployed": model.deployed},
    )
    return model


@writes
def add_flags(
    actor: Actor, model: ModelVersion, flags: Iterable[tuple[Officer, float, list[dict[str, Any]]]]
) -> int:
    rows = [
        RiskFlag(
            officer=o,
            model=model,
            as_of=model.as_of,
            score=s,
            rank=i + 1,
            factors=f,
            officer_told_at=timezone.now() if o.user_id else None,
        )
        for i, (o, s, f) in enumerate(flags)
    ]
    if any(r.officer.agency_id != model.agency_id for r in rows):
        raise InvalidInput("a model flags only its own agency's officers")
    RiskFlag.objects.bulk_create(rows)
    audit.record(
        actor,
        "oversight.eis.flag",
        object_type="eis_model",
        object_id=model.pk,
        details={"flags": len(rows)},
    )
    return len(rows)


def models_for(user: Any) -> list[ModelVersion]:
    if not user.is_authenticated or not user.has_role(*SUPERVISING_ROLES):
        return []
    rows = list(ModelVersion.objects.filter(agency_id=user.agency_id))
    audit.record(
        user, "oversight.eis.models", object_type="eis_model", details={"count": len(rows)}
    )
    return rows


def get_model(user: Any, pk: int) -> ModelVersion:
    model = ModelVersion.objects.filter(pk=pk).first()
    if model is None or not _supervises(user, model.agency_id):
        audit.record(
            user, "oversight.eis.model.read.refused", object_type="eis_model", object_id=pk
        )
        raise NotFound("no such model")
    audit.record(user, "oversight.eis.model.read", object_type="eis_model", object_id=pk)
    return model


@writes
def sign_off(user: Any, pk: int, note: str) -> ModelVersion:
    """A supervisor accepts a model whose disparity exceeds the bound, with reasons; it deploys."""
    model = ModelVersion.objects.select_for_update().filter(pk=pk).first()
    if model is None or not _supervises(user, model.agency_id):
        _refuse(user, "oversight.eis.sign_off", "eis_model", pk, "not this agency's supervisor")
        raise NotFound("no such model")
    if not note.strip():
        raise InvalidInput("a sign-off needs the reasons, in writing")
    model.signed_off_by = user.get_username()
    model.signed_off_at = timezone.now()
    model.sign_off_note = note.strip()
    model.deployed = True
    model.save()
    audit.record(
        user,
        "oversight.eis.sign_off",
        object_type="eis_model",
        object_id=pk,
        details={"max_disparity": model.max_disparity, "bound": model.bound},
    )
    return model


def list_flags(user: Any) -> list[RiskFlag]:
    rows = list(
        RiskFlag.objects.visible_to(user)
        .filter(model__deployed=True)
        .select_related("officer", "model")[:500]
    )
    audit.record(user, "oversight.eis.flags", object_type="eis_flag", details={"count": len(rows)})
    return rows


def get_flag(user: Any, pk: int) -> RiskFlag:
    flag = (
        RiskFlag.objects.visible_to(user)
        .filter(pk=pk, model__deployed=True)
        .select_related("officer")
        .first()
    )
    if flag is None:
        _refuse(user, "oversight.eis.flag.read", "eis_flag", pk, "not visible")
        raise NotFound("no such flag")
    audit.record(user, "oversight.eis.flag.read", object_type="eis_flag", object_id=pk)
    return flag


@writes
def respond_to_flag(user: Any, pk: int, response: str) -> RiskFlag:
    """The flagged officer's own response (only they may write it)."""
    flag = get_flag(user, pk)
    if flag.officer.user_id != user.pk:
        _refuse(user, "oversight.eis.respond", "eis_flag", pk, "not the flagged officer")
        raise PermissionDenied("only the officer concerned can respond")
    if not response.strip():
        raise InvalidInput("write a response")
    flag.officer_response = response.strip()
    flag.responded_at = timezone.now()
    flag.save(update_fields=["officer_response", "responded_at"])
    audit.record(user, "oversight.eis.respond", object_type="eis_flag", object_id=pk)
    return flag


@writes
def update_flag(user: Any, pk: int, status: str, note: str = "") -> RiskFlag:
    flag = get_flag(user, pk)
    if not _supervises(user, flag.officer.agency_id):
        _refuse(user, "oversight.eis.update", "eis_flag", pk, "not the officer's supervisor")
        raise PermissionDenied("only the officer's supervisors can update the support plan")
    if status not in FlagStatus.values:
        raise InvalidInput(f"unknown status {status!r}")
    flag.status = status
    flag.supervisor_note = note.strip()
    flag.save(update_fields=["status", "supervisor_note"])
    audit.record(
        user,
        "oversight.eis.update",
        object_type="eis_flag",
        object_id=pk,
        details={"status": status},
    )
    return flag
