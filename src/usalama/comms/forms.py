from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CellsForm(forms.Form):
    collection = forms.ChoiceField(label=_("Collection"))
    file = forms.FileField(
        label=_("Cell sites (CSV)"),
        help_text=_(
            "OpenCelliD's layout (radio,mcc,net,area,cell,unit,lon,lat,range,...) or an "
            "operator's list with cell_id, lat, lon, azimuth and beam_width."
        ),
    )

    def __init__(self, *args: Any, collections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collection"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(c.pk), f"{c.label} ({c.key})") for c in collections]


class AnalysisForm(forms.Form):
    window = forms.IntegerField(
        label=_("Window (minutes)"), min_value=1, max_value=1440, initial=15, required=False
    )
    distance = forms.IntegerField(
        label=_("Farthest apart (metres)"), min_value=0, max_value=50_000, initial=1000,
        required=False,
    )  # fmt: skip
    number = forms.CharField(label=_("Timeline of number"), max_length=32, required=False)
