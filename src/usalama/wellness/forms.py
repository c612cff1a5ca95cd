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


class UssdPinForm(forms.Form):
    service_number = forms.CharField(label=_("Your service number"), max_length=40)
    pin = forms.CharField(
        label=_("A PIN of 6 to 12 digits"),
        max_length=12,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    pin_again = forms.CharField(
        label=_("The PIN again"),
        max_length=12,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("pin") and data.get("pin") != data.get("pin_again"):
            self.add_error("pin_again", _("The two PINs differ."))
        return data
