"""Forms of the administration screens and the audit-log viewer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from usalama.accounts.models import AgencyKind


class _ChoicesForm(forms.Form):
    def _choices(self, name: str, choices: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class UserCreateForm(_ChoicesForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only, e.g. nps.j.otieno."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int, required=False)
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(render_value=False),
        max_length=200,
        help_text=_("Give it to the person in private; at least 12 characters."),
    )

    def __init__(
        self,
        *args: Any,
        roles: list[tuple[str, str]],
        agencies: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices("roles", roles)
        if agencies:
            self._choices("agency", agencies)
        else:
            del self.fields["agency"]


class RolesForm(_ChoicesForm):
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("roles", roles)


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(render_value=False), max_length=200
    )


class AgencyForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"), max_length=32, regex=r"^[A-Za-z0-9_-]{2,32}$", help_text=_("e.g. KWS")
    )
    name = forms.CharField(label=_("Name"), min_length=2, max_length=200)
    country = forms.RegexField(
        label=_("Country"),
        regex=r"^[A-Za-z]{2}$",
        max_length=2,
        help_text=_("Two letters, e.g. KE"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (username)"), max_length=150, required=False)
    action = forms.CharField(
        label=_("What (action)"),
        max_length=64,
        required=False,
        help_text=_("e.g. login, entity.read, user (all user changes)"),
    )
    object_type = forms.CharField(label=_("Object type"), max_length=64, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=200, required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, agencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any")), *[(code, code) for code in agencies]]


class SensorTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Sensor or site"),
        max_length=100,
        help_text=_("e.g. Thika Road gantry, northbound."),
    )
    cameras = forms.CharField(
        label=_("Camera ids"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One camera id a line (or separated by commas). The token is refused for any other "
            "camera. Leave empty to accept every camera of the agency."
        ),
    )

    def camera_list(self) -> list[str]:
        text = self.cleaned_data.get("cameras", "")
        return [c.strip() for c in text.replace(",", "\n").splitlines() if c.strip()]
