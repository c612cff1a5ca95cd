from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from usalama.data.areas import LEVEL_LABELS
from usalama.kpis.registry import INDICATORS


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(
        label=_("Indicator"), choices=[(i.key, i.name) for i in INDICATORS]
    )
    level = forms.ChoiceField(label=_("Level"), choices=list(LEVEL_LABELS.items()))
    area = forms.CharField(label=_("Area code"), max_length=100)
    period = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("A month as YYYY-MM.")},
    )
    value = forms.FloatField(label=_("Target"))
    reason = forms.CharField(label=_("Reason"), max_length=500)
