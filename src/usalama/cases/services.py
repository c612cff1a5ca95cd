"""Use cases of the cases app: the only code that writes cases, checks access and audits.

Exhibits and custody live in ``usalama.cases.evidence`` (same rules, same audit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from usalama.accounts.models import Agency
from usalama.analysis.justice import (
    DETAILS,
    ClockBreach,
    Event,
    Period,
    RemandSpell,
    compute_kpis,
    compute_kpis_series,
    court_clock_breaches,
    open_remands,
)
from usalama.audit.services import record
from usalama.cases import access
from usalama.cases.models import (
    Case,
    CaseMoneyTrace,
    CaseShare,
    ChainEvent,
    EventKind,
    InterpolNotice,
    MlaRequest,
    Offence,
    Party,
    reads_cases,
)
from usalama.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from usalama.records.models import EntityRecord
from usalama.records.signals import disseminated

CLOCK_SKEW = timedelta(minutes=5)
PARTY_SCHEMAS = frozenset({"Person", "Company", "Organization", "LegalEntity"})


# --- reading ----------------------------------------------------------------------------------


def list_cases(user: Any, query: str = "") -> list[Case]:
    cases = Case.objects.visible_to(user).select_related("agency")
    if query:
        cases = cases.filter(
            Q(reference__icontains=query)
            | Q(title__icontains=query)
            | Q(ob_number__icontains=query)
            | Q(dci_file__icontains=query)
            | Q(odpp_file__icontains=query)
            | Q(court_case__icontains=query)
        )
    found = list(cases.annotate(accused_count=Count("parties", filter=Q(parties__role="accused"))))
    record(user, "case.list", object_type="case", query=query, details={"results": len(found)})
    return found


def get_case(user: Any, reference: str, *, audit: bool = True) -> Case:
    """A visible case or NotFound (a missing case and another agency's look the same)."""
    case = (
        Case.objects.visible_to(user).select_related("agency").filter(reference=reference).first()
    )
    if case is None:
        raise NotFound("case not found")
    if audit:
        record(user, "case.read", object_type="case", object_id=case.reference)
        if case.agency_id != user.agency_id:
            # read under a share: the originator's dissemination log records each access
            disseminated.send(
                sender=Case,
                kind="read",
                originator_id=case.agency_id,
                recipient_id=user.agency_id,
                actor=user.get_username(),
                note="",
                subject=f"case {case.reference}",
            )
    return case


@dataclass
class AccusedChain:
    party: Party
    events: list[ChainEvent] = field(default_factory=list)

    @property
    def adjournments(self) -> int:
        return sum(
            1 for e in self.events if e.kind == EventKind.HEARING and e.detail == "adjourned"
        )


def chains(case: Case) -> tuple[list[ChainEvent], list[AccusedChain]]:
    """The case's own events (reports) and one timeline per accused."""
    events = list(case.events.select_related("agency", "accused").order_by("occurred_at", "id"))
    per: dict[int, AccusedChain] = {
        p.pk: AccusedChain(p) for p in case.parties.filter(role=Party.Role.ACCUSED)
    }
    own = []
    for event in events:
        if event.accused_id is None:
            own.append(event)
        elif event.accused_id in per:
            per[event.accused_id].events.append(event)
    return own, list(per.values())


# --- writing ----------------------------------------------------------------------------------


def _next_reference(agency: Agency, year: int) -> str:
    prefix = f"{agency.code}-{year}-"
    taken = Case.objects.filter(reference__startswith=prefix).count()
    number = taken + 1
    while Case.objects.filter(reference=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


CASE_FIELDS = (
    "title",
    "summary",
    "handling",
    "ob_station",
    "ob_number",
    "ob_date",
    "dci_file",
    "odpp_file",
    "court_case",
    "intake_refs",
    "incident_refs",
)


def open_case(user: Any, *, title: str, reference: str = "", **fields: Any) -> Case:
    """Open a case owned by the user's agency (investigator roles only)."""
    if not (reads_cases(user) and user.has_role(*access.INVESTIGATOR_ROLES)):
        refuse_open = "only investigators open cases"
        record(user, "case.write_refused", object_type="case", details={"action": "open"})
        raise PermissionDenied(refuse_open)
    title = title.strip()
    if not title:
        raise InvalidInput("title: a case needs a title")
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown case field(s): {', '.join(sorted(unknown))}")
    with transaction.atomic():
        reference = reference or _next_reference(user.agency, timezone.now().year)
        if Case.objects.filter(reference=reference).exists():
            raise Conflict(f"a case {reference} already exists")
        case = Case.objects.create(
            reference=reference,
            title=title,
            agency=user.agency,
            created_by=user.get_username(),
            **fields,
        )
        record(user, "case.open", object_type="case", object_id=case.reference)
    return case


def update_references(user: Any, case: Case, **fields: Any) -> Case:
    """Agencies' references (OB, DCI, ODPP, court): the owner edits them."""
    access.require_owner(user, case, "update")
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown case field(s): {', '.join(sorted(unknown))}")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(case, name, value)
        case.save()
        record(
            user,
            "case.update",
            object_type="case",
            object_id=case.reference,
            details={"fields": sorted(fields)},
        )
    return case


def share_case(
    user: Any,
    case: Case,
    agency_code: str,
    *,
    purpose: str = "",
    conditions: str = "",
    expires_at: datetime | None = None,
    read_only: bool = False,
) -> CaseShare:
    """Let another agency read the case (and, unless ``read_only``, record its role's events).
    Owner only. The Sharing page's case grant is this, read-only, with purpose and expiry."""
    access.require_owner(user, case, "share")
    return upsert_share(
        user,
        case,
        agency_code,
        purpose=purpose,
        conditions=conditions,
        expires_at=expires_at,
        read_only=read_only,
    )


def upsert_share(
    user: Any,
    case: Case,
    agency_code: str,
    *,
    purpose: str,
    conditions: str,
    expires_at: datetime | None,
    read_only: bool,
) -> CaseShare:
    """Create or renew the one share row of the case for the agency (the caller checked that
    the user may share it). Logged to the originator's dissemination log."""
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise InvalidInput(f"agency: unknown agency {agency_code!r}")
    if agency.pk == case.agency_id:
        raise InvalidInput("agency: the case already belongs to that agency")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput("expiry must be in the future")
    with transaction.atomic():
        share, _created = CaseShare.objects.update_or_create(
            case=case,
            agency=agency,
            defaults={
                "granted_by": user.get_username(),
                "granted_at": timezone.now(),
                "revoked_at": None,
                "purpose": purpose,
                "conditions": conditions,
                "expires_at": expires_at,
                "read_only": read_only,
            },
        )
        record(
            user,
            "case.share",
            object_type="case",
            object_id=case.reference,
            details={
                "agency": agency.code,
                "read_only": read_only,
                "expires_at": expires_at.isoformat() if expires_at else "",
            },
        )
        disseminated.send(
            sender=CaseShare,
            kind="granted",
            originator_id=case.agency_id,
            recipient_id=agency.pk,
            actor=user.get_username(),
            note=purpose or "justice chain",
            subject=f"case {case.reference}",
        )
    return share


def revoke_share(user: Any, case: Case, agency_code: str) -> None:
    access.require_owner(user, case, "revoke")
    share = CaseShare.objects.filter(
        case=case, agency__code=agency_code, revoked_at__isnull=True
    ).first()
    if share is None:
        raise NotFound(f"case is not shared with {agency_code}")
    end_share(user, share)


def end_share(user: Any, share: CaseShare) -> CaseShare:
    """Revoke at once (the caller checked that the user may): the next read is a 404."""
    with transaction.atomic():
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
        record(
            user,
            "case.unshare",
            object_type="case",
            object_id=share.case.reference,
            details={"agency": share.agency.code},
        )
        disseminated.send(
            sender=CaseShare,
            kind="revoked",
            originator_id=share.case.agency_id,
            recipient_id=share.agency_id,
            actor=user.get_username(),
            note="",
            subject=f"case {share.case.reference}",
        )
    return share


def add_party(user: Any, case: Case, *, role: str, entity_id: str) -> Party:
    """A complainant or an accused: an entity the user sees in records (so it is resolvable)."""
    access.require_owner(user, case, "party")
    if role not in Party.Role.values:
        raise InvalidInput(f"role: expected complainant or accused, not {role!r}")
    entity = (
        EntityRecord.objects.visible_to(user).filter(entity_id=entity_id.strip()).first()
        if entity_id.strip()
        else None
    )
    if entity is None:
        raise InvalidInput(f"entity: no entity {entity_id!r} in your records")
    if entity.schema not in PARTY_SCHEMAS:
        raise InvalidInput(f"entity: a {entity.schema} cannot be a complainant or an accused")
    with transaction.atomic():
        party, created = Party.objects.get_or_create(
            case=case,
            role=role,
            entity_id=entity.entity_id,
            defaults={"name": entity.caption, "added_by": user.get_username()},
        )
        if created:
            record(
                user,
                "case.party",
                object_type="case",
                object_id=case.reference,
                details={"role": role, "entity": entity.entity_id},
            )
    return party


def add_offence(
    user: Any, case: Case, *, statute: str, section: str, description: str = ""
) -> Offence:
    access.require_owner(user, case, "offence")
    statute, section = statute.strip(), section.strip()
    if not statute or not section:
        raise InvalidInput("offence: give the statute and the section, e.g. Penal Code s. 296(2)")
    with transaction.atomic():
        offence, created = Offence.objects.get_or_create(
            case=case, statute=statute, section=section, defaults={"description": description}
        )
        if created:
            record(
                user,
                "case.offence",
                object_type="case",
                object_id=case.reference,
                details={"statute": statute, "section": section},
            )
    return offence


def record_event(
    user: Any,
    case: Case,
    *,
    kind: str,
    occurred_at: datetime,
    accused: Party | int | None = None,
    detail: str = "",
    note: str = "",
) -> ChainEvent:
    """One dated step of the chain, attributed to the user's agency; only kinds the role records."""
    if kind not in EventKind.values:
        raise InvalidInput(f"kind: unknown event {kind!r}")
    access.require_event_right(user, case, kind)
    allowed = DETAILS.get(kind, frozenset())
    if allowed and detail not in allowed:
        raise InvalidInput(f"detail: {kind} needs one of {', '.join(sorted(allowed))}")
    if not allowed and detail:
        raise InvalidInput(f"detail: {kind} takes no detail")
    if timezone.is_naive(occurred_at):
        raise InvalidInput("time: give a time zone")
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise InvalidInput("time: an event cannot be in the future")
    party: Party | None = None
    if accused is not None:
        party_id = accused.pk if isinstance(accused, Party) else accused
        party = case.parties.filter(pk=party_id, role=Party.Role.ACCUSED).first()
        if party is None:
            raise InvalidInput("accused: not an accused person of this case")
    elif kind != EventKind.REPORTED:
        raise InvalidInput(f"accused: {kind} is recorded for an accused person")
    with transaction.atomic():
        event = ChainEvent.objects.create(
            case=case,
            accused=party,
            kind=kind,
            detail=detail,
            occurred_at=occurred_at,
            note=note.strip()[:500],
            agency=user.agency,
            recorded_by=user.get_username(),
        )
        record(
            user,
            "case.event",
            object_type="case",
            object_id=case.reference,
            details={
                "event": event.pk,
                "kind": kind,
                "detail": detail,
                "accused": party.entity_id if party else "",
            },
        )
    return event


def add_mla_request(user: Any, case: Case, **fields: Any) -> MlaRequest:
    access.require_owner(user, case, "mla")
    for name in ("requesting_state", "requested_state"):
        value = str(fields.get(name, "")).strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise InvalidInput(f"{name}: a two-letter country code, e.g. UG")
        fields[name] = value
    for name in ("subject", "legal_basis"):
        if not str(fields.get(name, "")).strip():
            raise InvalidInput(f"{name}: required")
    with transaction.atomic():
        request = MlaRequest.objects.create(case=case, created_by=user.get_username(), **fields)
        record(
            user,
            "case.mla",
            object_type="case",
            object_id=case.reference,
            details={"mla": request.pk, "to": request.requested_state},
        )
    return request


def update_mla_status(user: Any, case: Case, request_id: int, status: str) -> MlaRequest:
    """Move an MLA request on (sent, acknowledged, executed, refused); answered when closed."""
    access.require_owner(user, case, "mla")
    request = case.mla_requests.filter(pk=request_id).first()
    if request is None:
        raise NotFound("MLA request not found")
    if status not in MlaRequest.Status.values:
        raise InvalidInput(f"status: unknown MLA status {status!r}")
    with transaction.atomic():
        request.status = status
        if status in (MlaRequest.Status.SENT,) and request.sent_on is None:
            request.sent_on = timezone.localdate()
        if status in (MlaRequest.Status.EXECUTED, MlaRequest.Status.REFUSED):
            request.answered_on = request.answered_on or timezone.localdate()
        request.save()
        record(
            user,
            "case.mla_status",
            object_type="case",
            object_id=case.reference,
            details={"mla": request.pk, "status": status},
        )
    return request


def add_notice(user: Any, case: Case, **fields: Any) -> InterpolNotice:
    access.require_owner(user, case, "notice")
    if fields.get("colour") not in InterpolNotice.Colour.values:
        raise InvalidInput("colour: unknown INTERPOL notice colour")
    with transaction.atomic():
        notice = InterpolNotice.objects.create(case=case, created_by=user.get_username(), **fields)
        record(
            user,
            "case.notice",
            object_type="case",
            object_id=case.reference,
            details={"notice": notice.reference},
        )
    return notice


def overdue_mla(user: Any, today: date | None = None) -> list[MlaRequest]:
    today = today or timezone.localdate()
    requests = MlaRequest.objects.filter(
        case__in=Case.objects.visible_to(user),
        status__in=(MlaRequest.Status.SENT, MlaRequest.Status.ACKNOWLEDGED),
        due_on__lt=today,
    ).select_related("case")
    return list(requests.order_by("due_on"))


# --- the justice log and dashboard ------------------------------------------------------------


def _visible_events(user: Any | None) -> Iterable[ChainEvent]:
    cases = Case.objects.all() if user is None else Case.objects.visible_to(user)
    return (
        ChainEvent.objects.filter(case__in=cases)
        .exclude(kind=EventKind.FILE_TO_ODPP)  # not in the KPI log's vocabulary
        .select_related("case", "accused")
        .order_by("occurred_at", "id")
    )


def event_log(user: Any | None) -> list[Event]:
    """The chain as the engine's log: what ``usalama justice export-events`` writes.

    ``user=None`` is the operator's whole log (CLI); otherwise what the user sees.
    """
    return [
        Event(
            time=event.occurred_at,
            case_id=event.case.reference,
            accused_id=event.accused.entity_id if event.accused else "",
            event=event.kind,
            detail=event.detail,
        )
        for event in _visible_events(user)
    ]


@dataclass
class WaitingFile:
    case: Case
    accused: Party
    sent_at: datetime
    days: float


@dataclass
class Dashboard:
    period: Period
    kpis: dict[str, Any]
    breaches: list[ClockBreach]
    remands: list[RemandSpell]
    waiting: list[WaitingFile]
    adjournments: list[tuple[str, str, int]]
    overdue_mla: list[MlaRequest]
    names: dict[tuple[str, str], str]


def files_waiting_at_odpp(user: Any, now: datetime, days: int) -> list[WaitingFile]:
    """Files sent to ODPP with no charge decision after them, sent more than ``days`` ago."""
    cases = Case.objects.visible_to(user)
    events = (
        ChainEvent.objects.filter(
            case__in=cases, kind__in=(EventKind.FILE_TO_ODPP, EventKind.CHARGE_DECISION)
        )
        .select_related("case", "accused")
        .order_by("occurred_at", "id")
    )
    pending: dict[int, ChainEvent] = {}
    for event in events:
        if event.accused_id is None:
            continue
        if event.kind == EventKind.FILE_TO_ODPP:
            pending.setdefault(event.accused_id, event)
        else:
            pending.pop(event.accused_id, None)
    found = []
    for event in pending.values():
        waited = (now - event.occurred_at).total_seconds() / 86400
        if waited > days and event.accused is not None:
            found.append(WaitingFile(event.case, event.accused, event.occurred_at, waited))
    return sorted(found, key=lambda w: -w.days)


def dashboard(
    user: Any, period: Period, *, now: datetime | None = None, odpp_days: int = 30
) -> Dashboard:
    """Everything the justice dashboard shows, computed over the cases the user sees. Audited."""
    if not reads_cases(user):
        raise NotFound("not found")
    now = now or timezone.now()
    log = event_log(user)
    adjourned: Counter[tuple[str, str]] = Counter(
        e.accused for e in log if e.event == "hearing" and e.detail == "adjourned"
    )
    names: dict[tuple[str, str], str] = {}
    accused = Party.objects.filter(
        case__in=Case.objects.visible_to(user), role=Party.Role.ACCUSED
    ).select_related("case")
    for party in accused:
        names[(party.case.reference, party.entity_id)] = party.name
    board = Dashboard(
        period=period,
        kpis=compute_kpis(log, period),
        breaches=court_clock_breaches(log, now),
        remands=open_remands(log, now),
        waiting=files_waiting_at_odpp(user, now, odpp_days),
        adjournments=[(case, acc, n) for (case, acc), n in adjourned.most_common(10)],
        overdue_mla=overdue_mla(user, timezone.localdate(now)),
        names=names,
    )
    record(
        user,
        "justice.dashboard",
        object_type="justice",
        details={
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "events": len(log),
        },
    )
    return board


def monthly_series(user: Any, months: list[Period]) -> list[dict[str, Any]]:
    return compute_kpis_series(event_log(user), months)


# --- money traces (computed by delivery code, stored and guarded here) -------------------------


def attach_money_trace(
    user: Any,
    case: Case,
    *,
    account_id: int,
    account_label: str,
    direction: str,
    model: str,
    hops: int,
    since: date | None,
    until: date | None,
    summary: dict[str, Any],
) -> CaseMoneyTrace:
    """Link a trace to the case (the owner's investigators only); audited."""
    access.require_owner(user, case, "money_trace")
    with transaction.atomic():
        trace = CaseMoneyTrace.objects.create(
            case=case,
            account_id=account_id,
            account_label=account_label[:300],
            direction=direction,
            model=model,
            hops=hops,
            since=since,
            until=until,
            summary=summary,
            created_by=user.get_username(),
        )
        record(
            user,
            "case.money_trace",
            object_type="case",
            object_id=case.reference,
            details={
                "trace": trace.pk,
                "account": account_id,
                "direction": direction,
                "hops": hops,
                "from": since.isoformat() if since else "",
                "to": until.isoformat() if until else "",
            },
        )
    return trace


def remove_money_trace(user: Any, case: Case, trace_id: int) -> None:
    access.require_owner(user, case, "money_trace_remove")
    trace = case.money_traces.filter(pk=trace_id).first()
    if trace is None:
        raise NotFound("money trace not found")
    with transaction.atomic():
        trace.delete()
        record(
            user,
            "case.money_trace_removed",
            object_type="case",
            object_id=case.reference,
            details={"trace": trace_id, "account": trace.account_id},
        )
