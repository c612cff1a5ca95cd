from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from usalama.oversight.models import (
    AllegationCategory,
    Finding,
    NotificationKind,
    Penalty,
    Recommendation,
)

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class PublicComplaintForm(forms.Form):
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=10,
        max_length=5000,
    )
    category = forms.ChoiceField(
        label=_("What kind of misconduct?"), choices=AllegationCategory.choices
    )
    place = forms.CharField(label=_("Where did it happen?"), max_length=200, required=False)
    station = forms.CharField(
        label=_("Police station involved (if known)"), max_length=200, required=False
    )
    occurred_date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    officer = forms.CharField(
        label=_("The officer (name, number or description, if known)"),
        max_length=200,
        required=False,
    )
    name = forms.CharField(
        label=_("Your name (leave empty to stay anonymous)"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"class": "hp", "tabindex": "-1", "autocomplete": "off"}),
        label="",
    )


class FollowUpForm(forms.Form):
    code = forms.CharField(label=_("Follow-up code"), max_length=60)


class StageForm(forms.Form):
    to_stage = forms.CharField(max_length=20)
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, required=False
    )
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


OFFICER_HELP = _("Service number, e.g. 48213; write NPS:48213 if two agencies use the number.")


class AllegationForm(forms.Form):
    """Name the officer and record the finding and penalty of one allegation."""

    officer = forms.CharField(
        label=_("Officer"), max_length=60, required=False, help_text=OFFICER_HELP
    )
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices, required=False)
    penalty = forms.ChoiceField(label=_("Penalty"), choices=Penalty.choices, required=False)


class NewAllegationForm(forms.Form):
    category = forms.ChoiceField(label=_("Allegation"), choices=AllegationCategory.choices)
    officer = forms.CharField(
        label=_("Officer"), max_length=60, required=False, help_text=OFFICER_HELP
    )
    officer_description = forms.CharField(
        label=_("Or describe the officer"), max_length=200, required=False
    )


class SummonsForm(forms.Form):
    officer = forms.CharField(label=_("Officer"), max_length=60, help_text=OFFICER_HELP)
    due = forms.DateField(label=_("To appear by"), widget=forms.DateInput(attrs={"type": "date"}))


class NotificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=NotificationKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When it happened"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Where"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    officers = forms.CharField(
        label=_("Service numbers of the officers involved (comma-separated)"),
        max_length=500,
        required=False,
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your response"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class SignOffForm(forms.Form):
    note = forms.CharField(
        label=_("Reasons for deploying despite the disparity"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to ``MAX_ATTACHMENTS`` files, each refused by its size before it is read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(n)s files.") % {"n": MAX_ATTACHMENTS})
        for upload in files:
            if getattr(upload, "size", 0) > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(
                    _("Each file may be at most %(size)s.")
                    % {"size": filesizeformat(MAX_ATTACHMENT_BYTES)}
                )
        return [super(AttachmentsField, self).clean(f, initial) for f in files]


class ReferralForm(forms.Form):
    """A police agency's supervisor or internal affairs refers a complaint to IPOA."""

    officers = forms.CharField(
        label=_("Service numbers of the officers concerned (comma-separated, if known)"),
        max_length=500,
        required=False,
    )
    description = forms.CharField(
        label=_("The incident"),
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=10,
        max_length=5000,
    )
    categories = forms.MultipleChoiceField(
        label=_("Allegations"),
        choices=AllegationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.CharField(label=_("Where"), max_length=200)
    station = forms.CharField(label=_("Police station"), max_length=200, required=False)
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    attachments = AttachmentsField(
        label=_("Attachments (optional: PDF, JPEG or PNG)"), required=False
    )
