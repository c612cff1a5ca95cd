"""The web import form: a data file, into one of the agency's collections or a new one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _

from usalama.core.errors import InvalidInput
from usalama.records.grading import Assessment, Handling, Reliability, Tlp
from usalama.records.importers import guess_format
from usalama.records.importers.comms import FORMATS as COMMS_FORMATS

NEW = "new"
MAX_MAPPING_BYTES = 256 * 1024  # as records.jobs allows


class ImportForm(forms.Form):
    collection = forms.ChoiceField(label=_("Collection"))
    new_key = forms.CharField(
        label=_("Name of the new collection"),
        max_length=100,
        required=False,
        validators=[validate_slug],
        help_text=_("Letters, digits, '-' or '_', e.g. dci-suspects-2026."),
    )
    new_label = forms.CharField(label=_("Title"), max_length=200, required=False)
    reliability = forms.ChoiceField(
        label=_("Source reliability"),
        choices=Reliability.choices,
        initial=Reliability.X,
        required=False,
    )
    assessment = forms.ChoiceField(
        label=_("Information assessment"),
        choices=Assessment.choices,
        initial=Assessment.CANNOT_JUDGE,
        required=False,
    )
    handling = forms.ChoiceField(
        label=_("Handling code"), choices=Handling.choices, initial=Handling.H2, required=False
    )
    tlp = forms.ChoiceField(
        label=_("TLP marking"), choices=Tlp.choices, initial=Tlp.AMBER, required=False
    )
    file = forms.FileField(label=_("Data file"))
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("", _("Detect from the file name")),
            ("csv", "CSV"),
            ("xlsx", "Excel (XLSX)"),
            ("ftm", _("FollowTheMoney JSON lines")),
            ("goaml", "goAML XML"),
            ("cdr", _("Call detail records (CSV/XLSX)")),
            ("whatsapp", _("WhatsApp chat export (.txt)")),
            ("telegram", _("Telegram Desktop export (JSON)")),
            ("aleapp", _("ALEAPP/iLEAPP report (TSV)")),
        ],
    )
    court_order = forms.CharField(
        label=_("Court order reference"),
        required=False,
        max_length=200,
        help_text=_("Call records and phone extractions: the order they were obtained under."),
    )
    device = forms.CharField(label=_("Seized device"), required=False, max_length=200)
    examiner = forms.CharField(label=_("Examiner"), required=False, max_length=200)
    mapping = forms.FileField(
        label=_("Mapping (YAML)"),
        required=False,
        help_text=_(
            "Needed for CSV and XLSX: which columns become which entities. Call records: "
            "optional, the CDR layout (without it, the plain layout)."
        ),
    )
    strict = forms.BooleanField(
        label=_("Strict: reject the whole file if any row is bad"), required=False
    )

    def __init__(self, *args: Any, collections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collection"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(c.pk), f"{c.label} ({c.key})") for c in collections] + [
            (NEW, _("A new collection…"))
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Grading and handling apply only to a new collection; unset, they take the
        # cautious defaults (cannot be assessed, H2, TLP:AMBER).
        for name in ("reliability", "assessment", "handling", "tlp"):
            if not data.get(name):
                data[name] = self.fields[name].initial
        if data.get("collection") == NEW and not data.get("new_key"):
            self.add_error("new_key", _("Name the new collection."))
        upload = data.get("file")
        if upload is None:
            return data
        fmt = data.get("format") or ""
        if not fmt:
            try:
                fmt = guess_format(Path(upload.name or ""))
            except InvalidInput:
                message = _("The format cannot be told from the file name; choose it.")
                self.add_error("format", message)
                return data
        data["resolved_format"] = fmt
        mapping = data.get("mapping")
        if fmt in ("csv", "xlsx") and mapping is None:
            self.add_error("mapping", _("A CSV or XLSX file needs a mapping."))
        if mapping is not None and mapping.size > MAX_MAPPING_BYTES:
            self.add_error("mapping", _("The mapping is larger than 256 KB."))
        elif mapping is not None:
            try:
                data["mapping_text"] = mapping.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("mapping", _("The mapping is not UTF-8 text."))
        return data

    def mapping_text(self) -> str:
        """The mapping YAML as text ("" without one); read and checked by ``clean``."""
        text = str(self.cleaned_data.get("mapping_text", ""))
        if self.cleaned_data.get("resolved_format") not in COMMS_FORMATS:
            return text
        # call records and chats: the CDR layout (if any) and the provenance, in one YAML
        import yaml

        loaded = yaml.safe_load(text) if text else {}
        options = {k: self.cleaned_data.get(k) or "" for k in ("court_order", "device", "examiner")}
        merged = {**(loaded if isinstance(loaded, dict) else {}), "provenance": options}
        return str(yaml.safe_dump(merged, allow_unicode=True, sort_keys=True))
