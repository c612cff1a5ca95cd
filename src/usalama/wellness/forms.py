from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from usalama.wellness.models import IncidentKind, Status


class SelfReferralForm(forms.Form):
    message = forms.CharField(
        label=_("Anything you want the counsellor to know (optional, confidential)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    contact = forms.CharField(
        label=_("How to reach you (optional)"), max_length=200, required=False
    )


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Critical incident"), choices=IncidentKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    officers = forms.CharField(
        label=_("Officers involved, one per line: service number, name"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Add a note (encrypted)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
