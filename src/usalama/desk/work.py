"""What waits for a user now, for the first page's "Waiting for you" panel.

Delivery code: it asks each domain app how much of its work waits for this user (the apps do
not know each other), each count through the app's own access rule (``visible_to``). One
function per area; an area adds an item only for the roles that do that work. Counting is
cheap and not audited; opening the work is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from usalama.accounts.roles import Role
from usalama.cases.models import Case, ChainEvent, EventKind
from usalama.cases.services import files_waiting_at_odpp
from usalama.community.models import Alert as WardAlert
from usalama.community.models import AlertStatus as WardAlertStatus
from usalama.community.services import approves_alerts
from usalama.intake.models import Report, Status, Tip, may_triage
from usalama.money.models import Alert, AlertStatus
from usalama.oversight.models import Complaint, Recommendation, Stage
from usalama.oversight.models import Notification as Section25Notification
from usalama.policing.models import Incident, IncidentStatus
from usalama.records.models import Collection
from usalama.resolve.models import CandidatePair, PairStatus
from usalama.sharing.models import InformationRequest, RequestStatus
from usalama.sharing.services import entity_grants_received, grants_received, may_share
from usalama.wellness.models import Referral
from usalama.wellness.models import Status as ReferralStatus

POLICING_ROLES = {Role.ANALYST, Role.SUPERVISOR, Role.DESK_OFFICER, Role.COMMANDER}
REVIEW_ROLES = {Role.ANALYST, Role.SUPERVISOR}
# A complaint at these stages is IPOA's to move on; after them it is decided.
OPEN_STAGES = (Stage.RECEIPT, Stage.ADMISSIBILITY, Stage.PRELIMINARY, Stage.INVESTIGATION)


@dataclass(frozen=True)
class WorkItem:
    key: str
    count: int
    text: str
    url: str


def _intake(user: Any) -> list[WorkItem]:
    if not may_triage(user):
        return []
    waiting = sum(
        model.objects.visible_to(user).filter(status__in=[Status.NEW, Status.TRIAGED]).count()
        for model in (Report, Tip)
    )
    return [
        WorkItem(
            "intake",
            waiting,
            ngettext("report or tip waits for triage", "reports and tips wait for triage", waiting),
            reverse("intake:triage"),
        )
    ]


def _incidents(user: Any) -> list[WorkItem]:
    if not (user.sees_records and user.role_set & POLICING_ROLES):
        return []
    unassigned = (
        Incident.objects.visible_to(user)
        .filter(
            status=IncidentStatus.OPEN,
            collection__agency_id=user.agency_id,
            assigned_to__isnull=True,
        )
        .count()
    )
    return [
        WorkItem(
            "incidents",
            unassigned,
            ngettext(
                "open incident has no officer yet", "open incidents have no officer yet", unassigned
            ),
            reverse("incidents") + "?status=open",
        )
    ]


def _analysis(user: Any) -> list[WorkItem]:
    if not (user.sees_records and user.role_set & REVIEW_ROLES):
        return []
    items = []
    alerts = Alert.objects.visible_to(user).filter(status=AlertStatus.OPEN).count()
    if alerts:
        items.append(
            WorkItem(
                "money",
                alerts,
                ngettext("open money alert", "open money alerts", alerts),
                reverse("money:alerts"),
            )
        )
    pairs = CandidatePair.objects.visible_to(user).filter(status=PairStatus.REVIEW).count()
    if pairs:
        items.append(
            WorkItem(
                "resolution",
                pairs,
                ngettext(
                    "possible match waits for review", "possible matches wait for review", pairs
                ),
                reverse("resolve:review"),
            )
        )
    return items


def _sharing(user: Any) -> list[WorkItem]:
    if not user.sees_records:
        return []
    items = []
    if may_share(user):
        asked = InformationRequest.objects.filter(
            originator_id=user.agency_id, status=RequestStatus.PENDING
        ).count()
        if asked:
            items.append(
                WorkItem(
                    "requests",
                    asked,
                    ngettext(
                        "request for information waits for your agency's decision",
                        "requests for information wait for your agency's decision",
                        asked,
                    ),
                    reverse("sharing:requests"),
                )
            )
    # material shared under stated restrictions (H3) opens only once this user accepts them
    conditions = sum(g.needs_acknowledgement for g in grants_received(user)) + sum(
        g.needs_acknowledgement for g in entity_grants_received(user)
    )
    if conditions:
        items.append(
            WorkItem(
                "conditions",
                conditions,
                ngettext(
                    "share waits for you to accept its conditions",
                    "shares wait for you to accept their conditions",
                    conditions,
                ),
                reverse("sharing:index"),
            )
        )
    shared = Collection.objects.visible_to(user).exclude(agency_id=user.agency_id).count()
    if shared:
        items.append(
            WorkItem(
                "shared",
                shared,
                ngettext(
                    "collection is shared with your agency by another",
                    "collections are shared with your agency by others",
                    shared,
                ),
                reverse("records:collections"),
            )
        )
    return items


def _justice(user: Any) -> list[WorkItem]:
    items = []
    if user.sees_records and user.has_role(Role.PROSECUTOR):
        files = len(files_waiting_at_odpp(user, timezone.now(), 0))
        items.append(
            WorkItem(
                "charge",
                files,
                ngettext(
                    "file waits for a charge decision", "files wait for a charge decision", files
                ),
                reverse("cases:justice") + "?waiting=all#waiting",
            )
        )
    if user.has_role(Role.COURT_CLERK):
        events = ChainEvent.objects.filter(
            case__in=Case.objects.visible_to(user),
            kind__in=(EventKind.CHARGED, EventKind.JUDGMENT),
            accused__isnull=False,
        ).values_list("accused_id", "kind")
        charged = {a for a, kind in events if kind == EventKind.CHARGED}
        judged = {a for a, kind in events if kind == EventKind.JUDGMENT}
        before_court = len(charged - judged)
        items.append(
            WorkItem(
                "court",
                before_court,
                ngettext(
                    "person charged awaits a judgment",
                    "people charged await a judgment",
                    before_court,
                ),
                reverse("cases:index"),
            )
        )
    return items


def _oversight(user: Any) -> list[WorkItem]:
    items = []
    complaints = Complaint.objects.visible_to(user)
    if user.has_role(Role.OVERSIGHT_INVESTIGATOR) and user.sees_records:
        own = complaints.filter(agency_id=user.agency_id, stage__in=OPEN_STAGES).count()
        items.append(
            WorkItem(
                "complaints",
                own,
                ngettext(
                    "complaint against police is open", "complaints against police are open", own
                ),
                reverse("oversight:complaints"),
            )
        )
        unanswered = (
            Section25Notification.objects.visible_to(user)
            .filter(recipient_id=user.agency_id, complaint__isnull=True)
            .count()
        )
        if unanswered:
            items.append(
                WorkItem(
                    "section25",
                    unanswered,
                    ngettext(
                        "death or serious injury notified has no complaint opened",
                        "deaths or serious injuries notified have no complaint opened",
                        unanswered,
                    ),
                    reverse("oversight:notifications"),
                )
            )
    if user.has_role(Role.INTERNAL_AFFAIRS):
        recommended = complaints.filter(
            ~Q(agency_id=user.agency_id),
            stage=Stage.RECOMMENDATION,
            recommendation=Recommendation.DISCIPLINARY_IAU,
        ).count()
        items.append(
            WorkItem(
                "recommendations",
                recommended,
                ngettext(
                    "IPOA recommendation of disciplinary action waits for your unit",
                    "IPOA recommendations of disciplinary action wait for your unit",
                    recommended,
                ),
                reverse("oversight:complaints"),
            )
        )
    return items


def _wellness(user: Any) -> list[WorkItem]:
    items = []
    # the counsellor's queue (``visible_to`` is empty for anyone else, by the firewall)
    waiting = (
        Referral.objects.visible_to(user)
        .filter(status__in=(ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED))
        .count()
    )
    if waiting:
        items.append(
            WorkItem(
                "referrals",
                waiting,
                ngettext(
                    "referral waits for a counsellor", "referrals wait for a counsellor", waiting
                ),
                reverse("wellness:queue"),
            )
        )
    # an offer of support to this officer; only they see it
    offers = Referral.objects.own(user).filter(status=ReferralStatus.OFFERED).count()
    if offers:
        items.append(
            WorkItem(
                "support",
                offers,
                ngettext(
                    "offer of support waits for your answer",
                    "offers of support wait for your answer",
                    offers,
                ),
                reverse("wellness:support"),
            )
        )
    return items


def _ward_alerts(user: Any) -> list[WorkItem]:
    if not approves_alerts(user):
        return []
    drafts = (
        WardAlert.objects.visible_to(user)
        .filter(status=WardAlertStatus.DRAFT)
        .exclude(drafted_by_id=user.pk)  # the drafter may not approve their own
        .count()
    )
    if not drafts:
        return []
    return [
        WorkItem(
            "ward_alerts",
            drafts,
            ngettext(
                "ward alert waits for your approval", "ward alerts wait for your approval", drafts
            ),
            reverse("community:alerts"),
        )
    ]


AREAS: tuple[Callable[[Any], list[WorkItem]], ...] = (
    _intake,
    _incidents,
    _justice,
    _oversight,
    _wellness,
    _ward_alerts,
    _analysis,
    _sharing,
)


def work_for(user: Any) -> list[WorkItem]:
    """What waits for ``user`` now, each with a link to where it is done."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [item for area in AREAS for item in area(user)]
