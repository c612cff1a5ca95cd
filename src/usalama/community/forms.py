from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from usalama.community.models import IssueStatus


class AlertForm(forms.Form):
    title = forms.CharField(label=_("Title (staff only)"), max_length=120)
    message_sw = forms.CharField(
        label=_("Message in Swahili"),
        max_length=480,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message_en = forms.CharField(
        label=_("Message in English"),
        max_length=480,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wards = forms.CharField(
        label=_("Ward codes, separated by commas"),
        max_length=600,
        help_text=_("IEBC ward codes, e.g. 1371 for Kilimani (Nairobi)."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve and send")), ("reject", _("Reject"))]
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BarazaForm(forms.Form):
    ward = forms.CharField(label=_("Ward code"), max_length=10)
    held_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    convenor = forms.CharField(
        label=_("Convenor (an office, e.g. OCS Kilimani)"),
        max_length=200,
        help_text=_("Published on the public baraza page: name an office, not a person."),
    )


class AttendanceForm(forms.Form):
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, max_value=1_000_000)


class IssueForm(forms.Form):
    text = forms.CharField(
        label=_("Issue raised"),
        max_length=500,
        help_text=_(
            "Published on the public baraza page: no names, phone numbers or other personal "
            "details."
        ),
    )


class IssueUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IssueStatus.choices)
    action = forms.CharField(label=_("What was done (published)"), max_length=500, required=False)
