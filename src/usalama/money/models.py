"""The ledger: accounts on any channel and transfers between them, plus typology alerts.

Every row belongs to a ``records.Collection`` (owning agency and handling code) and every
manager has ``visible_to(user)`` built on ``records.models.visible_collection_ids`` — the one
access gate. Unique keys make every importer and the FtM sync idempotent.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from usalama.records.models import Collection, Source, visible_collection_ids


class AccountKind(models.TextChoices):
    BANK = "bank", _("Bank account")
    MOBILE_WALLET = "mobile_wallet", _("Mobile-money wallet")
    MOBILE_TILL = "mobile_till", _("Mobile-money till")
    MOBILE_PAYBILL = "mobile_paybill", _("Mobile-money paybill")
    MOBILE_AGENT = "mobile_agent", _("Mobile-money agent")
    EXCHANGE = "exchange", _("Virtual-asset exchange account")
    CRYPTO = "crypto", _("Crypto address")
    CASH = "cash", _("Cash")
    UNKNOWN = "unknown", _("Unknown counterparty")


# The engine's channel names, per account kind (the channel of a transfer is its payer's).
CHANNEL_OF_KIND = {
    AccountKind.BANK: "bank",
    AccountKind.EXCHANGE: "bank",
    AccountKind.CASH: "bank",
    AccountKind.UNKNOWN: "",
    AccountKind.MOBILE_WALLET: "mobile_money",
    AccountKind.MOBILE_TILL: "mobile_money",
    AccountKind.MOBILE_PAYBILL: "mobile_money",
    AccountKind.MOBILE_AGENT: "mobile_money",
    AccountKind.CRYPTO: "crypto",
}


class AccountQuerySet(models.QuerySet["Account"]):
    def visible_to(self, user: Any) -> AccountQuerySet:
        return self.filter(collection_id__in=visible_collection_ids(user))


class Account(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="accounts")
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    identifier = models.CharField(
        max_length=200, help_text=_("Account number, MSISDN (E.164), till/paybill or address.")
    )
    provider = models.CharField(
        max_length=200, blank=True, help_text=_("Bank, mobile-money service or blockchain.")
    )
    currency = models.CharField(max_length=12, blank=True)
    name = models.CharField(max_length=300, blank=True)
    holder_entity_id = models.CharField(
        max_length=200, blank=True, db_index=True, help_text=_("Canonical holder where known.")
    )
    holder_name = models.CharField(max_length=300, blank=True)
    entity_id = models.CharField(max_length=200, blank=True, help_text=_("FtM entity id."))
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="money_accounts"
    )
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "kind", "provider", "identifier"],
                name="unique_money_account",
            )
        ]
        indexes = [models.Index(fields=["collection", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.provider or self.get_kind_display()})"

    @property
    def channel(self) -> str:
        return CHANNEL_OF_KIND.get(AccountKind(self.kind), "")

    @property
    def label(self) -> str:
        """What a reader sees: cash has no account number, only a holder (never ``cash:<id>``)."""
        if self.identifier.startswith("cash:"):
            if self.holder_name:
                return str(_("Cash (%(holder)s)") % {"holder": self.holder_name})
            return str(_("Cash (holder not named)"))
        return self.identifier


class TransferQuerySet(models.QuerySet["Transfer"]):
    def visible_to(self, user: Any) -> TransferQuerySet:
        return self.filter(collection_id__in=visible_collection_ids(user))


class Transfer(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="transfers")
    source_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="outgoing")
    target_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="incoming")
    amount = models.DecimalField(max_digits=28, decimal_places=8)
    currency = models.CharField(max_length=12, blank=True)
    time = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=20, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    key = models.CharField(
        max_length=200, help_text=_("What makes a re-import recognisable (entity id, file row…).")
    )
    document = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="money_transfers"
    )
    row = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TransferQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "key"], name="unique_money_transfer")
        ]
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.source_account_id} → {self.target_account_id} {self.amount} {self.currency}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: Any) -> AlertQuerySet:
        return self.filter(collection_id__in=visible_collection_ids(user))


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Dismissed")
    ESCALATED = "escalated", _("Escalated")


class Alert(models.Model):
    """One flagged account from a typology scan or sanctions screening; a re-scan updates it."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="alerts")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="alerts")
    typologies = models.JSONField(default=list)
    score = models.FloatField(default=0.0)
    evidence = models.JSONField(default=list, help_text=_("Ids of the evidence transfers."))
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    reviewer = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "account"], name="unique_money_alert")
        ]
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"{self.account} {', '.join(self.typologies)} ({self.score:.2f})"
