"""Offence categories of the Kenya National Police Service annual crime report.

The codes are stable (clients and the USSD menu rely on them); the names are shown to the
public in English and Swahili.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str
    name_en: str
    name_sw: str

    def name(self, language: str) -> str:
        return self.name_sw if language.startswith("sw") else self.name_en


CATEGORIES: tuple[Category, ...] = (
    Category("homicide", "Homicide", "Mauaji"),
    Category("robbery", "Robbery", "Unyang'anyi (wizi wa kutumia nguvu)"),
    Category(
        "assault",
        "Other offences against persons (assault)",
        "Shambulio na makosa mengine dhidi ya mtu",
    ),
    Category(
        "morality",
        "Offences against morality (sexual offences)",
        "Makosa dhidi ya maadili (ya kingono)",
    ),
    Category("breakings", "Breakings (house or building)", "Uvunjaji wa nyumba au jengo"),
    Category("stealing", "Stealing", "Wizi"),
    Category("theft_of_stock", "Theft of stock", "Wizi wa mifugo"),
    Category("theft_by_servant", "Theft by servant", "Wizi wa mfanyakazi"),
    Category("vehicle_theft", "Theft of vehicles and parts", "Wizi wa magari na vipuri"),
    Category("dangerous_drugs", "Dangerous drugs", "Dawa za kulevya"),
    Category("traffic", "Traffic offences", "Makosa ya barabarani"),
    Category("criminal_damage", "Criminal damage", "Uharibifu wa mali"),
    Category("economic", "Economic crimes and fraud", "Uhalifu wa kiuchumi na ulaghai"),
    Category("corruption", "Corruption and bribery", "Ufisadi na hongo"),
    Category(
        "police_officers",
        "Offences involving police officers",
        "Makosa yanayohusu maafisa wa polisi",
    ),
    Category("tourists", "Offences involving tourists", "Makosa yanayohusu watalii"),
    Category("other", "Other penal code offences", "Makosa mengine ya kanuni ya adhabu"),
)

BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
CODES: tuple[str, ...] = tuple(BY_CODE)

# The short list a basic-phone USSD screen can hold (numbered 1..9 in this order).
USSD_CATEGORIES: tuple[str, ...] = (
    "robbery",
    "assault",
    "morality",
    "breakings",
    "stealing",
    "theft_of_stock",
    "dangerous_drugs",
    "corruption",
    "other",
)


def choices(language: str) -> list[tuple[str, str]]:
    return [(c.code, c.name(language)) for c in CATEGORIES]
