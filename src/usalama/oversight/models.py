"""Officers, complaints against police and IPOA's workflow, s. 25 notifications, summonses, and
early-intervention flags with the model versions that raised them.

Access: a complaint belongs to the oversight agency that received it (IPOA) and is read by its
investigators, and by another agency only when IPOA shares it. Officers and flags belong to the
officer's police agency. A flag is an offer of support and supervision, never a sanction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import Agency
from usalama.accounts.roles import Role

# Roles that supervise officers and so see their agency's early-intervention flags.
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.COMMANDER)
# IPOA Act s. 25 with the National Police Service Act: report a death or serious injury
# resulting from police action at once; the clock allows this many hours.
NOTIFICATION_HOURS = 24


def _agency_id(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "agency_id", None)


class Officer(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    service_number = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    rank = models.CharField(max_length=60, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    appointed_on = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer_profile",
        help_text=_("The officer's own login, so that they are told of a flag and can respond."),
    )
    entity_id = models.CharField(max_length=200, blank=True, help_text=_("FtM Person entity."))

    class Meta:
        ordering = ["agency__code", "service_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "service_number"], name="officer_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rank} {self.name} ({self.service_number})".strip()


class Posting(models.Model):
    """A posting to a station and unit over a span of dates (the roster's long view)."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="postings")
    station = models.CharField(max_length=200)
    unit = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["officer", "-start_date"]

    def __str__(self) -> str:
        return f"{self.station} {self.unit}".strip()


class Shift(models.Model):
    """One rostered shift: who was on duty where and when."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="shifts")
    station = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["station", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.station} {self.starts_at:%Y-%m-%d %H:%M}"


class Stage(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ADMISSIBILITY = "admissibility", _("Admissibility")
    PRELIMINARY = "preliminary", _("Preliminary inquiry")
    INVESTIGATION = "investigation", _("Investigation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    OUTCOME = "outcome", _("Outcome")
    INADMISSIBLE = "inadmissible", _("Not admissible")


# The stages a complaint may move to from each stage.
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    Stage.RECEIPT: (Stage.ADMISSIBILITY,),
    Stage.ADMISSIBILITY: (Stage.PRELIMINARY, Stage.INADMISSIBLE),
    Stage.PRELIMINARY: (Stage.INVESTIGATION, Stage.RECOMMENDATION),
    Stage.INVESTIGATION: (Stage.RECOMMENDATION,),
    Stage.RECOMMENDATION: (Stage.OUTCOME,),
    Stage.OUTCOME: (),
    Stage.INADMISSIBLE: (),
}


class Recommendation(models.TextChoices):
    NONE = "", _("None yet")
    PROSECUTION = "prosecution", _("Prosecution (to the ODPP)")
    DISCIPLINARY_IAU = "disciplinary_iau", _("Disciplinary action (Internal Affairs Unit)")
    DISCIPLINARY_NPSC = (
        "disciplinary_npsc",
        _("Disciplinary action (National Police Service Commission)"),
    )
    NO_FURTHER_ACTION = "no_further_action", _("No further action")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    SMS = "sms", _("SMS")
    USSD = "ussd", _("USSD")
    POLICE_REFERRAL = "police_referral", _("Police referral")
    WALK_IN = "walk_in", _("Walk-in")


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: Any) -> ComplaintQuerySet:
        agency = _agency_id(user)
        # Internal affairs reads what IPOA shares with its agency (disciplinary recommendations).
        if agency is None or not (user.sees_records or user.has_role(Role.INTERNAL_AFFAIRS)):
            return self.none()
        own = models.Q(agency_id=agency) & models.Q(agency__kind="oversight")
        if not user.has_role(Role.OVERSIGHT_INVESTIGATOR):
            own = models.Q(pk__in=[])
        return self.filter(own | models.Q(shared_with__id=agency)).distinct()


class Complaint(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="oversight_complaints"
    )
    reference = models.CharField(max_length=20, unique=True)
    code_hash = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the follow-up code.")
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    referred_by = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="oversight_referrals"
    )
    anonymous = models.BooleanField(default=False)
    complainant_name = models.CharField(max_length=200, blank=True)
    complainant_phone = models.CharField(max_length=40, blank=True)
    description = models.TextField()
    place = models.CharField(max_length=200, blank=True)
    station = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RECEIPT)
    recommendation = models.CharField(
        max_length=30, choices=Recommendation.choices, blank=True, default=Recommendation.NONE
    )
    outcome = models.TextField(blank=True)
    handling = models.CharField(max_length=2, default="H2")
    shared_with = models.ManyToManyField(Agency, blank=True, related_name="oversight_shared")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def next_stages(self) -> list[tuple[str, Any]]:
        return [(s, Stage(s).label) for s in NEXT_STAGES.get(self.stage, ())]


class StageChange(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    note = models.TextField(blank=True)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class AllegationCategory(models.TextChoices):
    EXCESSIVE_FORCE = "excessive_force", _("Excessive force")
    DEATH = "death", _("Death resulting from police action")
    SERIOUS_INJURY = "serious_injury", _("Serious injury")
    UNLAWFUL_ARREST = "unlawful_arrest", _("Unlawful arrest or detention")
    CORRUPTION = "corruption", _("Corruption or extortion")
    HARASSMENT = "harassment", _("Harassment or threats")
    NEGLECT = "neglect", _("Neglect of duty")
    OTHER = "other", _("Other misconduct")


class Finding(models.TextChoices):
    OPEN = "", _("Open")
    SUSTAINED = "sustained", _("Sustained")
    NOT_SUSTAINED = "not_sustained", _("Not sustained")
    UNFOUNDED = "unfounded", _("Unfounded")
    EXONERATED = "exonerated", _("Exonerated")


class Penalty(models.TextChoices):
    NONE = "", _("None")
    REPRIMAND = "reprimand", _("Reprimand")
    TRAINING = "training", _("Retraining")
    SUSPENSION = "suspension", _("Suspension")
    DEMOTION = "demotion", _("Reduction in rank")
    DISMISSAL = "dismissal", _("Dismissal")
    PROSECUTED = "prosecuted", _("Prosecuted")


class Allegation(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="allegations")
    officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="allegations"
    )
    officer_description = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=30, choices=AllegationCategory.choices)
    finding = models.CharField(max_length=20, choices=Finding.choices, blank=True, default="")
    penalty = models.CharField(max_length=20, choices=Penalty.choices, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.category}"


class Summons(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="summonses")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="summonses")
    issued_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"summons {self.pk}"

    @property
    def ignored(self) -> bool:
        return self.attended_at is None and self.due_at < timezone.now()


class NotificationKind(models.TextChoices):
    DEATH = "death", _("Death")
    DEATH_IN_CUSTODY = "death_in_custody", _("Death in police custody")
    SERIOUS_INJURY = "serious_injury", _("Serious injury")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        agency = _agency_id(user)
        if agency is None or not user.sees_records:
            return self.none()
        if user.has_role(Role.OVERSIGHT_INVESTIGATOR):
            return self.filter(models.Q(recipient_id=agency) | models.Q(agency_id=agency))
        return self.filter(agency_id=agency)


class Notification(models.Model):
    """A mandatory notification (IPOA Act s. 25) of a death or serious injury from police action."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="s25_notifications")
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="s25_received")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    occurred_at = models.DateTimeField()
    reported_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=200)
    summary = models.TextField()
    officers = models.ManyToManyField(Officer, blank=True, related_name="notifications")
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.SET_NULL)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"

    @property
    def deadline(self) -> dt.datetime:
        return self.occurred_at + dt.timedelta(hours=NOTIFICATION_HOURS)

    @property
    def breached(self) -> bool:
        """Reported late, or not yet reported after the deadline passed."""
        if self.reported_at is not None:
            return self.reported_at > self.deadline
        return timezone.now() > self.deadline


# An infinite disparity (a group with a zero rate) is stored as this: JSON and the audit
# trail have no infinity. Pages show it as "unbounded".
UNBOUNDED_DISPARITY = 1e6


class ModelVersion(models.Model):
    """One trained early-intervention model with its fairness audit; a model whose disparity
    exceeds the bound is not deployed without a supervisor's recorded sign-off."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="eis_models")
    version = models.CharField(max_length=60)
    as_of = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    metrics = models.JSONField(default=dict, blank=True)
    fairness = models.JSONField(default=list, blank=True)
    max_disparity = models.FloatField()
    bound = models.FloatField()
    signed_off_by = models.CharField(max_length=150, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)
    deployed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version

    @property
    def needs_sign_off(self) -> bool:
        return self.max_disparity > self.bound and self.signed_off_at is None

    @property
    def disparity_unbounded(self) -> bool:
        """A group's rate was zero against a non-zero reference: no finite ratio (stored capped)."""
        return self.max_disparity >= UNBOUNDED_DISPARITY


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Support offered")
    IN_SUPPORT = "in_support", _("Supervision and support under way")
    CLOSED = "closed", _("Closed")


class FlagQuerySet(models.QuerySet["RiskFlag"]):
    def visible_to(self, user: Any) -> FlagQuerySet:
        agency = _agency_id(user)
        if agency is None:
            return self.none()
        mine = models.Q(officer__user_id=user.pk)
        if user.has_role(*SUPERVISING_ROLES):
            return self.filter(mine | models.Q(officer__agency_id=agency))
        return self.filter(mine)


class RiskFlag(models.Model):
    """An early-intervention flag: an offer of support and supervision, never a sanction."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="flags")
    model = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="flags")
    as_of = models.DateField()
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    factors = models.JSONField(default=list)  # [{"feature", "label", "value"}]
    status = models.CharField(max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    officer_told_at = models.DateTimeField(null=True, blank=True)
    officer_response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    supervisor_note = models.TextField(blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"flag {self.pk}"


class Attachment(models.Model):
    """A document or photo attached to a police referral (PDF, JPEG or PNG, checked by its
    first bytes). Read by whoever reads the complaint; each download is audited."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="oversight/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
