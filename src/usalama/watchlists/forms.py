from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from usalama.records.grading import Handling
from usalama.watchlists.models import Subscription, Watchlist, WatchlistAlert


class WatchlistForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=100)
    label = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Watchlist.Kind.choices)
    handling = forms.ChoiceField(label=_("Handling"), choices=Handling.choices, initial="H2")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (FtM JSON lines or CSV)"))
    schema = forms.CharField(
        label=_("Schema of CSV rows"), required=False, initial="Person", max_length=64
    )
    mapping = forms.CharField(
        label=_("CSV mapping (one 'column = property' a line)"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "full_name = name\ndob = birthDate"}
        ),
    )
    id_column = forms.CharField(label=_("CSV id column"), required=False, max_length=100)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    expires_at = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class GrantForm(forms.Form):
    agency = forms.CharField(label=_("Agency code"), max_length=20)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (WatchlistAlert.Status.TRUE_MATCH, WatchlistAlert.Status.TRUE_MATCH.label),
            (WatchlistAlert.Status.FALSE_POSITIVE, WatchlistAlert.Status.FALSE_POSITIVE.label),
            (WatchlistAlert.Status.NEEDS_REVIEW, WatchlistAlert.Status.NEEDS_REVIEW.label),
        ]
    )
    note = forms.CharField(required=False, max_length=2000)


class SubscriptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Follow"), choices=Subscription.Kind.choices)
    value = forms.CharField(
        label=_("Entity id, identifier, search words or watchlist key"), max_length=300
    )
    by_email = forms.BooleanField(label=_("Also by e-mail"), required=False)
    by_sms = forms.BooleanField(label=_("Also by SMS"), required=False)
    phone = forms.CharField(
        label=_("Mobile number for SMS"),
        required=False,
        max_length=30,
        help_text=_(
            "e.g. +254712345678. Messages carry only the alert's reference and a link: "
            "sign in to read it."
        ),
    )
