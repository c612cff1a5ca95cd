"""One case identity across police, ODPP and the courts, with its chain, exhibits and MLA.

A case is owned by one agency with a handling code; other agencies see it only through a
``CaseShare`` (read, plus the chain events their role records). Every read goes through
``Case.objects.visible_to(user)``; children are reached through a visible case.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency
from usalama.accounts.roles import Role
from usalama.records.grading import Handling

CASE_READER_ROLES = (
    Role.ANALYST,
    Role.SUPERVISOR,
    Role.DESK_OFFICER,
    Role.COMMANDER,
    Role.PROSECUTOR,
    Role.COURT_CLERK,
)


def reads_cases(user: Any) -> bool:
    """Investigators, commanders, prosecutors and court clerks work with cases."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.agency_id
        and user.has_role(*CASE_READER_ROLES)
    )


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        if not reads_cases(user):
            return self.none()
        owned = models.Q(agency_id=user.agency_id)
        shared = models.Q(id__in=active_shares().filter(agency_id=user.agency_id).values("case_id"))
        return self.filter(id__in=Case.objects.filter(owned | shared).values("id"))


def active_shares(now: Any = None) -> Any:
    """Shares in force now: not revoked, not past their expiry (checked at every read)."""
    now = now or timezone.now()
    return CaseShare.objects.filter(revoked_at__isnull=True).filter(
        models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
    )


class Case(models.Model):
    reference = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    handling = models.CharField(max_length=2, choices=Handling.choices, default=Handling.H2)
    ob_station = models.CharField(_("OB station"), max_length=120, blank=True)
    ob_number = models.CharField(_("OB number"), max_length=40, blank=True)
    ob_date = models.DateField(_("OB date"), null=True, blank=True)
    dci_file = models.CharField(_("DCI file"), max_length=60, blank=True)
    odpp_file = models.CharField(_("ODPP file"), max_length=60, blank=True)
    court_case = models.CharField(_("Court case number"), max_length=60, blank=True)
    intake_refs = models.CharField(
        max_length=300, blank=True, help_text=_("Intake report or tip references, comma-separated.")
    )
    incident_refs = models.CharField(
        max_length=300, blank=True, help_text=_("Policing incident numbers, comma-separated.")
    )
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "reference"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def ob_reference(self) -> str:
        if not self.ob_number:
            return ""
        when = self.ob_date.strftime("%d/%m/%Y") if self.ob_date else ""
        return " ".join(part for part in (self.ob_station, f"OB {self.ob_number}", when) if part)

    def split_refs(self, field: str) -> list[str]:
        return [ref.strip() for ref in getattr(self, field).split(",") if ref.strip()]


class CaseShare(models.Model):
    """Another agency reads the case and records the events its role records. Never owns it.

    A share made from the Sharing page (a case grant) is the same row with a purpose,
    conditions and an expiry, and ``read_only``: the recipient reads and records nothing.
    The justice chain's shares (police → ODPP → court) let the recipient record its role's
    chain events. Revocation and expiry take effect at the next read.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="case_shares")
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    purpose = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="unique_case_share")]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.agency.code}"

    def is_active(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Party(models.Model):
    class Role(models.TextChoices):
        COMPLAINANT = "complainant", _("Complainant")
        ACCUSED = "accused", _("Accused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=12, choices=Role.choices)
    entity_id = models.CharField(
        max_length=200, help_text=_("FollowTheMoney entity id in records.")
    )
    name = models.CharField(max_length=300)
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "role", "entity_id"], name="unique_case_party")
        ]

    def __str__(self) -> str:
        return self.name


class Offence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offences")
    statute = models.CharField(max_length=200, help_text=_("e.g. Penal Code"))
    section = models.CharField(max_length=60, help_text=_("e.g. 296(2)"))
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.statute} s. {self.section}"


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ARRESTED = "arrested", _("Arrested")
    FIRST_APPEARANCE = "first_appearance", _("First appearance in court")
    REMANDED = "remanded", _("Remanded in custody")
    RELEASED_ON_BAIL = "released_on_bail", _("Released on bail or bond")
    FILE_TO_ODPP = "file_to_odpp", _("File sent to ODPP")
    CHARGE_DECISION = "charge_decision", _("Charge decision")
    CHARGED = "charged", _("Charged")
    HEARING = "hearing", _("Hearing")
    JUDGMENT = "judgment", _("Judgment")
    SENTENCED = "sentenced", _("Sentenced")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")


class EventDetail(models.TextChoices):
    CHARGE = "charge", _("Charge")
    NO_CHARGE = "no_charge", _("No charge")
    FURTHER_INVESTIGATION = "further_investigation", _("Further investigation")
    DIVERSION = "diversion", _("Diversion or plea agreement")
    HEARD = "heard", _("Heard")
    ADJOURNED = "adjourned", _("Adjourned")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISCHARGED = "discharged", _("Discharged")
    CUSTODIAL = "custodial", _("Custodial")
    NON_CUSTODIAL = "non_custodial", _("Non-custodial")


class ChainEvent(models.Model):
    """One dated step of one accused's chain (``reported`` belongs to the case, no accused)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    accused = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="events", null=True, blank=True
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    detail = models.CharField(max_length=24, choices=EventDetail.choices, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=500, blank=True, help_text=_("e.g. reason for adjournment"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.kind} {self.occurred_at:%Y-%m-%d}"


class Exhibit(models.Model):
    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        DIGITAL = "digital", _("Digital")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exhibits")
    number = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=500)
    seal_number = models.CharField(max_length=60, blank=True)
    seized_at = models.DateTimeField(default=timezone.now)
    custody_head = models.CharField(
        max_length=64, blank=True, help_text=_("Hash of the latest custody transfer.")
    )
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_exhibit_number")
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}/{self.number}"


class ExhibitFile(models.Model):
    """A file of a digital exhibit: stored under the var dir, never in the database."""

    exhibit = models.ForeignKey(Exhibit, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, help_text=_("Relative to the evidence store."))
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class CustodyTransfer(models.Model):
    """One hand-over, hash-linked to the one before it so a removed link is detected.

    ``sequence`` starts at 1 (the seizure); ``prev_hash`` is the previous transfer's
    ``hash`` (64 zeros for the first); the receiving user confirmed with their password.
    """

    exhibit = models.ForeignKey(Exhibit, on_delete=models.CASCADE, related_name="transfers")
    sequence = models.PositiveIntegerField()
    from_holder = models.CharField(max_length=150)
    to_holder = models.CharField(max_length=150, help_text=_("Username of the receiving user."))
    to_agency = models.CharField(max_length=20)
    at = models.DateTimeField()
    purpose = models.CharField(max_length=300)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["exhibit", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["exhibit", "sequence"], name="unique_custody_step")
        ]

    def __str__(self) -> str:
        return f"{self.exhibit} #{self.sequence} → {self.to_holder}"


class DisclosureBundle(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    stored_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    redactions = models.JSONField(default=list)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.case.reference} disclosure {self.created_at:%Y-%m-%d}"


class MlaRequest(models.Model):
    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing")
        INCOMING = "incoming", _("Incoming")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        EXECUTED = "executed", _("Executed")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mla_requests")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    requesting_state = models.CharField(max_length=2, help_text=_("ISO country code."))
    requested_state = models.CharField(max_length=2, help_text=_("ISO country code."))
    subject = models.CharField(max_length=500)
    legal_basis = models.CharField(max_length=300)
    entity_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    sent_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"MLA {self.requesting_state}→{self.requested_state}: {self.subject[:40]}"

    def is_overdue(self, today: Any) -> bool:
        open_ = self.status in (self.Status.SENT, self.Status.ACKNOWLEDGED)
        return bool(open_ and self.due_on and self.due_on < today)


class InterpolNotice(models.Model):
    class Colour(models.TextChoices):
        RED = "red", _("Red notice (arrest for extradition)")
        YELLOW = "yellow", _("Yellow notice (missing person)")
        BLUE = "blue", _("Blue notice (more information)")
        GREEN = "green", _("Green notice (warning)")
        DIFFUSION = "diffusion", _("Diffusion")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    colour = models.CharField(max_length=10, choices=Colour.choices)
    reference = models.CharField(max_length=60)
    entity_id = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300)
    issued_on = models.DateField(null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.colour} {self.reference}"


class CaseMoneyTrace(models.Model):
    """A money trace the owner attached to the case, with what it found when attached.

    The money app keys traces by account; this row is the link from a case to one: the seed
    account (its id in the ledger and its label), the trace's parameters and a snapshot of
    the result (totals, hops, accounts reached and the flow's nodes and edges), so that an
    agency the case is shared with reads what the investigator saw, read-only. Domain apps
    do not import each other: the trace is computed by delivery code (``usalama.desk``).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="money_traces")
    account_id = models.BigIntegerField(help_text=_("The seed account in the money ledger."))
    account_label = models.CharField(max_length=300)
    direction = models.CharField(max_length=10)
    model = models.CharField(max_length=10)
    hops = models.PositiveSmallIntegerField()
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    summary = models.JSONField(default=dict)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.reference} trace {self.account_label} ({self.direction})"
