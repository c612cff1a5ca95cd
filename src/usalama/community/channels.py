"""The citizen side of ward alerts on intake's channels: ``JIUNGE``/``JOIN <ward>`` and
``ACHA``/``STOP`` by SMS (webhooks and SMSSync alike), and USSD menu entry 5."""

from __future__ import annotations

from usalama.community import services
from usalama.community.texts import t
from usalama.core.errors import InvalidInput
from usalama.data.areas import ward_choices

USSD_CHOICE = "6"  # 4 and 5 are the complaint and wellness items
MAX_CHOICES = 4


def _join(phone: str, ward_text: str, language: str, channel: str) -> str:
    codes, name = ward_choices(ward_text)
    if not codes:
        return t("no_ward", language)
    if len(codes) > 1:
        listed = "; ".join(f"{c} {label}" for c, label in codes[:MAX_CHOICES])
        return t("which_ward", language, name=name, choices=listed)
    code, label = codes[0]
    created = services.subscribe(phone, code, language, channel)
    return t("joined" if created else "already", language, ward=label)


def join_sms(phone: str, rest: str, language: str, channel: str) -> str:
    try:
        return _join(phone, rest, language, channel)
    except InvalidInput:
        return t("no_ward", language)


def stop_sms(phone: str, rest: str, language: str, channel: str) -> str:
    left = services.unsubscribe(phone)
    return t("stopped" if left else "not_subscribed", language)


def ussd(session_id: str, phone: str, rest: list[str], language: str) -> str:
    if not rest:
        return "CON " + t("ussd_prompt", language)
    answer = "*".join(rest).strip()
    if answer == "0":
        return "END " + stop_sms(phone, "", language, "ussd")
    return "END " + join_sms(phone, answer, language, "ussd")


def connect() -> None:
    from usalama.intake import channels

    for word, language in (("jiunge", "sw"), ("join", "en")):
        channels.register_caller_sms(word, language, join_sms)
    for word, language in (("acha", "sw"), ("stop", "en")):
        channels.register_caller_sms(word, language, stop_sms)
    channels.register_caller_ussd(
        USSD_CHOICE,
        channels.CallerUssdEntry(
            labels={"sw": t("ussd_menu", "sw"), "en": t("ussd_menu", "en")}, handler=ussd
        ),
    )
