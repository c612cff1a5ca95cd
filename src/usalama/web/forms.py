from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone, ID number, KRA PIN, account or wallet"),
        max_length=200,
        required=False,
    )
    schema = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Any")),
            ("Person", _("People")),
            ("Company", _("Companies")),
            ("Organization", _("Organisations")),
            ("BankAccount", _("Accounts")),
            ("CryptoWallet", _("Crypto wallets")),
        ],
    )


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, initial="cli")
