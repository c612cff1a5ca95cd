"""Forms of the public report page (works with JavaScript off) and of staff triage."""

from __future__ import annotations

import secrets
from typing import Any, cast

from django import forms
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from usalama.intake import places
from usalama.intake.categories import choices as category_choices
from usalama.intake.models import Priority, Status
from usalama.intake.photos import MAX_PHOTO_BYTES, MAX_PHOTOS

FORM_TOKEN_SALT = "usalama.intake.form"  # noqa: S105 - a salt, not a secret
FORM_TOKEN_MAX_AGE = 6 * 3600


def new_form_token() -> str:
    """A signed, time-limited token in a hidden field: our CSRF-equivalent that needs no cookie."""
    return signing.dumps(secrets.token_hex(8), salt=FORM_TOKEN_SALT)


def form_token_valid(token: str) -> bool:
    try:
        signing.loads(token or "", salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
        for upload in files:
            # Refused by its size before it is read (it waits on disk, streamed there).
            if getattr(upload, "size", 0) > MAX_PHOTO_BYTES:
                raise forms.ValidationError(
                    _("Each photo may be at most %(size)s.")
                    % {"size": filesizeformat(MAX_PHOTO_BYTES)}
                )
        return [super(PhotosField, self).clean(f, initial) for f in files]


def _place_choices(county: str) -> list[Any]:
    options: list[Any] = [("", _("— not sure —"))]
    for sub_county, wards in places.wards_by_sub_county(county) if county else ():
        options.append((sub_county, [(f"{sub_county}|{w}", w) for w in wards]))
    return options


class IncidentFields(forms.Form):
    """What any report says: what happened, where and when, with photos."""

    category = forms.ChoiceField(label=_("What kind of crime?"))
    description = forms.CharField(
        label=_("What happened?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    place = forms.ChoiceField(label=_("Ward"), required=False)
    location_text = forms.CharField(
        label=_("Place (village, estate, road, landmark)"), max_length=300, required=False
    )
    occurred_date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    photos = PhotosField(label=_("Photos (optional, up to 3)"), required=False)

    def __init__(self, *args: Any, language: str, county: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", "—"),
            *category_choices(language),
        ]
        cast(forms.ChoiceField, self.fields["place"]).choices = _place_choices(county)


class ReportForm(IncidentFields):
    ANONYMOUS = "anonymous"
    CONTACT = "contact"
    field_order = ["form_token", "county", *IncidentFields.base_fields]

    form_token = forms.CharField(widget=forms.HiddenInput)
    county = forms.CharField(widget=forms.HiddenInput, required=False)
    identity = forms.ChoiceField(
        label=_("Who are you?"),
        choices=[
            (ANONYMOUS, _("Stay anonymous: give me a tip code")),
            (CONTACT, _("Give my contact so police can reach me")),
        ],
        widget=forms.RadioSelect,
        initial=ANONYMOUS,
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)
    contact_email = forms.EmailField(label=_("Email"), max_length=200, required=False)
    # A honeypot for bots: hidden from people by CSS, must stay empty.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_form_token(self) -> str:
        token: str = self.cleaned_data["form_token"]
        if not form_token_valid(token):
            raise forms.ValidationError(_("This form has expired. Please submit it again."))
        return token

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this empty"))
        return ""

    CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identity") != self.CONTACT:
            # Staying anonymous: whatever is in the contact fields (typed before choosing,
            # or visible with CSS off) is ignored, neither checked nor kept.
            for name in self.CONTACT_FIELDS:
                self.errors.pop(name, None)
                data[name] = ""
        if data.get("identity") == self.CONTACT and not (
            data.get("contact_phone") or data.get("contact_email")
        ):
            self.add_error(
                "contact_phone", _("Give a phone number or an email, or stay anonymous.")
            )
        return data


class LeaderReportForm(IncidentFields):
    """A registered local leader's report, on a logged-in page (no token, no contact fields:
    the account is the identity and the report is marked verified-source)."""


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Tip code or report reference"), max_length=60)


class MessageForm(forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Your message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TriageForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    assigned_agency = forms.CharField(
        label=_("Assign to agency (code)"), max_length=32, required=False
    )
    station = forms.CharField(label=_("Station"), max_length=200, required=False)
    public_note = forms.CharField(
        label=_("Note for the reporter (they see it with the status)"),
        max_length=500,
        required=False,
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices(language)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the tipster"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
