"""Chat exports in their real layouts: exact counts of messages, senders, multi-line bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from usalama.analysis.comms.chats import ChatError, parse_file, parse_whatsapp

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "comms"

# file, format, messages, senders, multi-line, media, deleted, system lines, problems
EXPECTED = [
    ("WhatsApp Chat with Wahenga Group.txt", "whatsapp", 7, 3, 2, 2, 1, 6, 0),
    ("WhatsApp Chat with Juma.txt", "whatsapp", 5, 2, 1, 1, 1, 1, 0),
    ("ios_group_en_gb.txt", "whatsapp", 5, 2, 1, 2, 1, 5, 0),
    ("ios_chat_en_us_12h.txt", "whatsapp", 3, 2, 1, 1, 0, 1, 0),
    ("WhatsApp-Chat mit Hans.txt", "whatsapp", 4, 2, 1, 1, 1, 1, 0),
    ("malformed.txt", "whatsapp", 2, 1, 0, 0, 0, 0, 3),
    ("telegram_single_chat.json", "telegram", 4, 2, 1, 2, 0, 1, 1),
    ("telegram_full_account.json", "telegram", 7, 3, 1, 3, 0, 2, 1),
    ("aleapp_sms.tsv", "aleapp", 3, 3, 0, 0, 0, 0, 2),
    ("ileapp_sms.tsv", "aleapp", 2, 2, 0, 1, 0, 0, 0),
]


@pytest.mark.parametrize(
    ("name", "fmt", "messages", "senders", "multiline", "media", "deleted", "system", "problems"),
    EXPECTED,
)
def test_exact_counts(
    name: str,
    fmt: str,
    messages: int,
    senders: int,
    multiline: int,
    media: int,
    deleted: int,
    system: int,
    problems: int,
) -> None:
    report = parse_file(FIXTURES / name, fmt)
    assert len(report.messages) == messages
    assert len(report.senders) == senders
    assert sum(m.multiline for m in report.messages) == multiline
    assert sum(m.media for m in report.messages) == media
    assert sum(m.deleted for m in report.messages) == deleted
    assert report.system_lines == system
    assert len(report.problems) == problems


def test_android_bodies_times_and_phone_senders() -> None:
    report = parse_file(FIXTURES / "WhatsApp Chat with Wahenga Group.txt")
    plan = report.messages[2]
    assert (
        plan.sender == "Kamau"
        and plan.body == "Bado. Tutaongea kesho:\nkesho saa nne\nMombasa road"
    )
    assert plan.sent_at == datetime(2026, 3, 12, 6, 7, tzinfo=UTC)  # 09:07 in Nairobi
    assert report.messages[3].sender_id == "+254722000111" and report.messages[3].media
    money = report.messages[5]
    assert money.body == "Pesa imetumwa kwa M-Pesa\n\nThibitisha" and money.line == 13


def test_twelve_hour_month_first_clock() -> None:
    report = parse_file(FIXTURES / "ios_chat_en_us_12h.txt")
    times = [m.sent_at for m in report.messages]
    assert times == [
        datetime(2026, 3, 12, 6, 5, 10, tzinfo=UTC),
        datetime(2026, 3, 12, 10, 15, tzinfo=UTC),
        datetime(2026, 3, 13, 20, 59, 59, tzinfo=UTC),
    ]
    assert report.messages[1].body == "Port gate 2\nin 10 minutes\n\nok?"
    assert report.messages[0].recipients == ["+254 733 123 456"]
    midnight = parse_file(FIXTURES / "WhatsApp Chat with Juma.txt").messages[-1]
    assert midnight.sent_at == datetime(2026, 3, 13, 21, 1, tzinfo=UTC)  # 12:01 AM local


def test_ios_system_lines_under_the_group_name_are_not_messages() -> None:
    report = parse_file(FIXTURES / "ios_group_en_gb.txt")
    assert {m.sender for m in report.messages} == {"Kamau", "Otieno"}
    assert not any(m.sender == "Wahenga" for m in report.messages)
    deleted = [m for m in report.messages if m.deleted]
    assert [d.body for d in deleted] == ["This message was deleted."]


def test_malformed_lines_are_reported_with_their_numbers() -> None:
    report = parse_file(FIXTURES / "malformed.txt")
    assert [(p.row, p.field) for p in report.problems] == [
        (1, "text"),
        (3, "timestamp"),
        (4, "text"),
    ]
    assert [m.body for m in report.messages] == ["Habari", "Sawa"]


def test_not_a_chat_is_refused() -> None:
    with pytest.raises(ChatError, match="not a chat export"):
        parse_whatsapp("hello\nworld\n")


def test_a_real_message_saying_added_is_kept() -> None:
    text = "12/03/2026, 09:05 - Kamau: I added salt\n12/03/2026, 09:06 - Kamau added Otieno\n"
    report = parse_whatsapp(text)
    assert [m.body for m in report.messages] == ["I added salt"] and report.system_lines == 1


def test_telegram_full_account_ties_senders_to_phones() -> None:
    report = parse_file(FIXTURES / "telegram_full_account.json")
    assert report.owner is not None and report.owner.number == "+254711222333"
    amina = [m for m in report.messages if m.sender == "Amina Odhiambo"]
    assert amina and all(m.sender_id == "+254711222333" for m in amina)
    baraka = [m for m in report.messages if m.sender == "Baraka"]
    assert all(m.sender_id == "+254722444555" for m in baraka)
    assert report.chats == ["Baraka", "Wauzaji"]
    assert [p.reason for p in report.problems] == ["Baraka, message 6: no readable date"]


def test_aleapp_calls_and_contacts() -> None:
    calls = parse_file(FIXTURES / "aleapp_call_logs.tsv")
    assert [(c.number, c.direction, c.duration) for c in calls.calls] == [
        ("+254722000111", "out", 125),
        ("+254733123456", "in", 40),
        ("+254733123456", "in", 0),
    ]
    contacts = parse_file(FIXTURES / "aleapp_contacts.tsv")
    assert [(c.name, c.number) for c in contacts.contacts] == [
        ("Otieno Kanjo", "+254722000111"),
        ("Juma", "+254733123456"),
    ]
