"""Labels, not codes: ``{{ code|label }}`` turns an internal code (a typology, a taint model,
a channel, a forecast method, a centrality measure…) into its translated label, and
``{{ value|country }}`` an ISO country code into the country's name.

One registry for every page, so that a test can render pages in English and Swahili and fail
when one of these codes reaches the reader (tests/platform/test_words.py).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS: dict[str, Any] = {
    # money: laundering typologies
    "split_payments": _("Split payments"),
    "structuring": _("Structuring (deposits just under the reporting limit)"),
    "fan_in": _("Fan-in (many payers, one account)"),
    "fan_out": _("Fan-out (one account, many payees)"),
    "cycle": _("Money going round in a cycle"),
    "scatter_gather": _("Scatter then gather"),
    "gather_scatter": _("Gather then scatter"),
    "rapid_pass_through": _("Rapid pass-through"),
    "peel_chain": _("Peel chain"),
    "sanctions": _("Sanctions list match"),
    # money: trace direction and taint models
    "forward": _("Forward (where the money went)"),
    "backward": _("Backward (where the money came from)"),
    "haircut": _("Haircut (proportional share)"),
    "fifo": _("First in, first out"),
    "poison": _("Poison (everything touched is tainted)"),
    "seed": _("Starting account"),
    # money: channels
    "bank": _("Bank"),
    "mobile_money": _("Mobile money"),
    "crypto": _("Crypto-currency"),
    "cash": _("Cash"),
    "card": _("Card"),
    "exchange": _("Exchange"),
    # policing: forecast methods
    "best": _("Best on recent weeks"),
    "etas": _("Self-exciting (near-repeat) model"),
    "kde": _("Recent-incident density"),
    "naive": _("Last period repeated"),
    # network: centrality measures
    "degree": _("Most connections"),
    "betweenness": _("Brokers between groups"),
    "pagerank": _("Most influential"),
    "eigenvector": _("Connected to the well-connected"),
    "closeness": _("Closest to everyone"),
    # network: links made by a shared identifier (usalama.network.building)
    "same_phone": _("Same phone number"),
    "same_id": _("Same ID or passport number"),
    "same_tax_number": _("Same tax number"),
    "same_registration_number": _("Same registration number"),
    "same_account": _("Same account number"),
    "same_email": _("Same e-mail address"),
    "same_wallet": _("Same crypto wallet"),
}


@register.filter
def label(code: Any) -> Any:
    """The translated label of a known code; anything else unchanged."""
    return LABELS.get(str(code), code)


@register.filter
def labels(codes: Any) -> list[Any]:
    return [LABELS.get(str(code), code) for code in codes or ()]


@register.filter
def country(code: Any) -> str:
    """'ke' → 'Kenya' (FollowTheMoney's country names); unknown values unchanged."""
    from followthemoney import registry

    text = str(code or "")
    name = registry.country.caption(text.lower()) if text else text
    return str(name or text)
