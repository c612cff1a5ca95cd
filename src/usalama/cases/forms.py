"""Forms of the case pages. Choices offered are the ones the user may use; services re-check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from usalama.cases.models import Case, EventDetail, EventKind, Exhibit, InterpolNotice, Party
from usalama.records.grading import Handling


class OpenCaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    handling = forms.ChoiceField(
        label=_("Handling code"), choices=Handling.choices, initial=Handling.H2
    )
    ob_station = forms.CharField(label=_("OB station"), max_length=120, required=False)
    ob_number = forms.CharField(label=_("OB number"), max_length=40, required=False)
    ob_date = forms.DateField(
        label=_("OB date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    dci_file = forms.CharField(label=_("DCI file"), max_length=60, required=False)


class ReferencesForm(forms.ModelForm[Case]):
    class Meta:
        model = Case
        fields = [
            "ob_station",
            "ob_number",
            "ob_date",
            "dci_file",
            "odpp_file",
            "court_case",
            "intake_refs",
            "incident_refs",
        ]
        widgets = {"ob_date": forms.DateInput(attrs={"type": "date"})}
        labels = {
            "intake_refs": _("Intake reports and tips"),
            "incident_refs": _("Policing incidents"),
        }


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"))
    accused = forms.TypedChoiceField(
        label=_("Accused"), coerce=int, required=False, empty_value=None
    )
    detail = forms.ChoiceField(label=_("Detail"), required=False)
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(
        label=_("Note (e.g. reason for adjournment)"), max_length=500, required=False
    )

    def __init__(
        self, *args: Any, kinds: frozenset[str], accused: list[Party], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        kind, who, detail = (self.fields[name] for name in ("kind", "accused", "detail"))
        assert isinstance(kind, forms.ChoiceField) and isinstance(who, forms.ChoiceField)
        assert isinstance(detail, forms.ChoiceField)
        kind.choices = [(k, label) for k, label in EventKind.choices if k in kinds]
        who.choices = [("", "—")] + [(p.pk, p.name) for p in accused]
        detail.choices = [("", "—"), *EventDetail.choices]


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Party.Role.choices)
    entity_id = forms.CharField(label=_("Entity id (from records)"), max_length=200)


class OffenceForm(forms.Form):
    statute = forms.CharField(label=_("Statute"), max_length=200, initial="Penal Code")
    section = forms.CharField(label=_("Section"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class ExhibitForm(forms.Form):
    number = forms.CharField(label=_("Exhibit number"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=Exhibit.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=500)
    seal_number = forms.CharField(label=_("Seal number"), max_length=60, required=False)


class ShareForm(forms.Form):
    agency = forms.CharField(label=_("Agency code"), max_length=20)


class CustodyForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    password = forms.CharField(
        label=_("Your password (signature)"), widget=forms.PasswordInput, required=False
    )
    otp = forms.CharField(label=_("or authenticator code"), max_length=10, required=False)


class MlaForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("outgoing", _("Outgoing")), ("incoming", _("Incoming"))]
    )
    requesting_state = forms.CharField(label=_("Requesting state"), max_length=2, initial="KE")
    requested_state = forms.CharField(label=_("Requested state"), max_length=2)
    subject = forms.CharField(label=_("Subject"), max_length=500)
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=300, initial="Mutual Legal Assistance Act, 2011"
    )
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NoticeForm(forms.Form):
    colour = forms.ChoiceField(label=_("Notice"), choices=InterpolNotice.Colour.choices)
    reference = forms.CharField(label=_("Reference"), max_length=60)
    subject = forms.CharField(label=_("Subject"), max_length=300)


class DisclosureForm(forms.Form):
    redact = forms.CharField(
        label=_("Also redact (one term a line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    regions = forms.CharField(
        label=_("Black out image regions"),
        help_text=_(
            "One line a region: EXHIBIT | FILE | left,top,right,bottom in pixels "
            "(e.g. P-1 | photo.jpg | 40,10,220,60)."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
