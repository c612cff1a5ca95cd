"""Communications: the layering network's phones get call records, a seized phone's WhatsApp
export and cell sites in Nairobi and Mombasa (DCI collection ``dci-op-likoni-comms``).

The principal of the planted money trail (``scenarios["layering"]``) calls his associates,
whose M-Pesa wallets took the structured transfers, so the link chart shows the calls next
to the money; he and the collector meet three times at the Likoni ferry in Mombasa, which
co-location finds (other subscribers are on the same cells at other times, and on
neighbouring cells beyond the distance). The collector's phone was seized: its WhatsApp
group with the principal and two associates is imported with the extraction's details.

The path the link chart finds: the principal calls "Mama Njeri", a middle-woman whose line
(``MIDDLE_LINE``) is not on the operator's order, and pays into her M-Pesa wallet; so does a
second suspect, Hassan Mwinyi Bakari, who never calls the principal and has no part in the
FRC's money trail. Safaricom's M-Pesa return under the same order (an FtM file: the wallets,
their lines, the three customer transfers) goes into the same collection, so the path from
the principal's number to Hassan runs through calls and the shared wallet.
Everything goes through the records import (idempotent) and ``comms.services``.
"""

from __future__ import annotations

import json
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from usalama.demo.stages import DemoContext, Tip

COLLECTION = "dci-op-likoni-comms"
COURT_ORDER = "MCCR/E512/2024 (Mombasa Chief Magistrate, s. 36 Computer Misuse and Cybercrimes Act)"
# (cell id, lat, lon, azimuth, beam width, name)
CELLS = [
    ("639-02-4101-11", -4.0566, 39.6636, 60, 65, "Likoni ferry A"),
    ("639-02-4101-12", -4.0566, 39.6636, 180, 65, "Likoni ferry B"),
    ("639-02-4101-21", -4.0642, 39.6620, 300, 65, "Likoni mainland"),
    ("639-02-4101-31", -4.0435, 39.6682, 90, 65, "Mombasa CBD"),
    ("639-02-4101-41", -4.0200, 39.7200, 0, 90, "Nyali"),
    ("639-02-1201-11", -1.2864, 36.8172, 45, 65, "Nairobi CBD"),
    ("639-02-1201-21", -1.2630, 36.8020, 200, 65, "Westlands"),
    ("639-02-1201-31", -1.3000, 36.8500, 120, 65, "Industrial Area"),
    ("639-02-1201-41", -1.2200, 36.8900, 330, 90, "Kasarani"),
]


# Mama Njeri's line and wallet, the second suspect's line: free numbers (checked against the
# demo world's, the first free one of each list is taken)
MIDDLE_LINES = ("+254733405117", "+254733405171", "+254733405711")
SUSPECT_LINES = ("+254728160932", "+254728160923", "+254728160392")
SUSPECT = "Hassan Mwinyi Bakari"
MPESA = "M-Pesa (Safaricom)"


def _free(context: DemoContext, candidates: tuple[str, ...]) -> str:
    taken = {
        str(phone)
        for item in context.world.records
        for phone in item.entity.get("properties", {}).get("phone", [])
    }
    return next(c for c in candidates if c not in taken)


def _mpesa_return(principal: str, middle: str, suspect_line: str) -> str:
    """Safaricom's M-Pesa return (FtM JSON lines): Mama Njeri's wallet on her line, the
    principal's and Hassan's wallets, and their transfers into hers. The lines are the call
    records' number entities (same ids), so the money meets the calls on one node."""
    from usalama.analysis.comms.ftm import entity_id, phone_entity

    def wallet(number: str, holder: str, name: str) -> list[dict[str, Any]]:
        account = entity_id("mpesa-wallet", number)
        return [
            {"id": account, "schema": "BankAccount", "properties": {
                "accountNumber": [number], "bankName": [MPESA], "accountType": ["mobile money"],
                "currency": ["KES"], "country": ["ke"], "name": [name]}},
            {"id": entity_id("mpesa-holder", number), "schema": "Ownership", "properties": {
                "owner": [holder], "asset": [account], "role": ["account holder"]}},
        ]  # fmt: skip

    suspect = entity_id("person", SUSPECT)
    middle_line = phone_entity(middle)["id"]
    principal_line = phone_entity(principal)["id"]
    entities: list[dict[str, Any]] = [
        phone_entity(middle),
        phone_entity(principal),
        {"id": suspect, "schema": "Person", "properties": {
            "name": [SUSPECT], "phone": [suspect_line], "nationality": ["ke"],
            "idNumber": ["29384756"], "gender": ["male"]}},
        *wallet(middle, middle_line, "NJERI WANJIKU (M-Pesa, 'Mama Njeri')"),
        *wallet(principal, principal_line, "M-Pesa wallet of the principal's line"),
        *wallet(suspect_line, suspect, "H. M. BAKARI (M-Pesa)"),
    ]  # fmt: skip
    transfers = [
        (principal_line, principal, "2024-06-06", "480000", "QF63K2LZ8P"),
        (suspect, suspect_line, "2024-06-06", "245000", "QF64M7RT2A"),
        (suspect, suspect_line, "2024-06-13", "310000", "QFD1B9XW5C"),
    ]
    into = entity_id("mpesa-wallet", middle)
    for payer, payer_number, day, amount, code in transfers:
        entities.append({"id": entity_id("mpesa", code), "schema": "Payment", "properties": {
            "payer": [payer], "payerAccount": [entity_id("mpesa-wallet", payer_number)],
            "beneficiary": [middle_line], "beneficiaryAccount": [into],
            "amount": [amount], "currency": ["KES"], "date": [day], "transactionNumber": [code],
            "purpose": ["customer transfer (send money)"]}})  # fmt: skip
    return "\n".join(json.dumps(e, sort_keys=True) for e in entities) + "\n"


def _phone(context: DemoContext, entity_id: str) -> str | None:
    for item in context.world.records:
        if item.id == entity_id:
            phones = item.entity.get("properties", {}).get("phone", [])
            return str(phones[0]) if phones else None
    return None


def _local(number: str) -> str:
    """How an operator writes a Kenyan number (0712...), so the import normalises it."""
    return "0" + number[4:] if number.startswith("+254") else number


def _cdr(
    principal: str, collector: str, associates: list[str], others: list[str], middle: str
) -> str:
    rng = random.Random(19)
    base = datetime(2024, 6, 3, 6, 0, tzinfo=UTC)
    rows: list[str] = []
    imei = {n: f"35{(abs(int(n[-7:])) * 7919) % 10**13:013d}" for n in [principal, collector,
            *associates, *others]}  # fmt: skip
    burner = "356938035643809"

    def add(a: str, b: str, at: datetime, kind: str, way: str, cell: str, phone: str = "") -> None:
        seconds = rng.randrange(20, 400) if kind == "voice" else 0
        stamp = at.astimezone(UTC).isoformat()
        handset = phone or imei[a]
        rows.append(
            f"{_local(a)},{_local(b)},{stamp},{seconds},{kind},{way},{cell},{handset},"
            f"63902{int(a[-9:]):010d}"
        )

    # in Nairobi the principal works from Westlands, his associates from Industrial Area
    # (6 km away), so their daily calls never put them together
    westlands, industrial = "639-02-1201-21", "639-02-1201-31"
    mombasa = [c[0] for c in CELLS if c[0].startswith("639-02-4101")]
    spread = [c[0] for c in CELLS if c[0] not in (westlands, industrial)]
    for day in range(21):
        morning = base + timedelta(days=day)
        for associate in associates:
            if rng.random() < 0.6:
                at = morning + timedelta(minutes=rng.randrange(0, 600))
                add(principal, associate, at, rng.choice(["voice", "voice", "sms"]), "out",
                    westlands)  # fmt: skip
                add(associate, principal, at, "voice", "in", industrial)
        for other in others:
            at = morning + timedelta(minutes=rng.randrange(0, 720))
            add(other, rng.choice(others), at, "voice", "out", rng.choice(spread))
    # the planted meetings: both at the Likoni ferry in one 15-minute window, three times
    for day, minute in ((4, 7), (11, 2), (18, 9)):
        window = base + timedelta(days=day, hours=8)  # 11:00 in Mombasa
        add(principal, associates[0], window + timedelta(minutes=minute), "voice", "out",
            "639-02-4101-11")  # fmt: skip
        add(collector, principal, window + timedelta(minutes=minute + 3), "sms", "out",
            "639-02-4101-12")  # fmt: skip
    # decoys: a courier on the same cell hours later, and on the mainland cell (1 km+ away)
    for day in (4, 11):
        window = base + timedelta(days=day, hours=8)
        add(others[0], others[1], window + timedelta(hours=3), "voice", "out", "639-02-4101-11")
        add(others[1], others[0], window + timedelta(minutes=5), "voice", "out",
            "639-02-4101-21")  # fmt: skip
    # the principal calls Mama Njeri (her line is not on the order: only his side is seen)
    for day, hour in ((2, 4), (2, 9), (9, 5), (12, 7)):
        add(principal, middle, base + timedelta(days=day, hours=hour), "voice", "out", westlands)
    # the collector moves her SIM into a burner handset after the first meeting
    for day in (12, 13, 14):
        add(collector, associates[1], base + timedelta(days=day, hours=5), "voice", "out",
            rng.choice(mombasa), phone=burner)  # fmt: skip
    header = "a_number,b_number,start_time,duration_s,type,direction,cell_id,imei,imsi"
    return "\n".join([header, *rows]) + "\n"


def _whatsapp(principal: str, associates: list[str]) -> str:
    def shown(number: str) -> str:
        return f"+254 {number[4:7]} {number[7:10]} {number[10:]}"

    boss, first, second = shown(principal), shown(associates[0]), shown(associates[1])
    lines = [
        "03/06/2024, 09:00 - Messages and calls are end-to-end encrypted. No one outside of "
        "this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
        f'03/06/2024, 09:01 - {boss} created group "Wazee"',
        f"03/06/2024, 09:01 - {boss} added {first}",
        f"03/06/2024, 09:02 - {boss} added {second}",
        f"03/06/2024, 09:05 - {boss}: Kila mtu atapokea kwa M-Pesa leo",
        "chini ya milioni moja kila mmoja",
        f"03/06/2024, 09:07 - {first}: Sawa mzee",
        f"03/06/2024, 09:09 - {second}: Nitatuma kwa Mama Njeri jioni",
        f"04/06/2024, 18:30 - {first}: <Media omitted>",
        f"07/06/2024, 10:58 - {boss}: Tukutane feri Likoni saa tano",
        "usilete simu yako ya kawaida",
        "07/06/2024, 11:20 - Mama Njeri: Nimefika",
        f"07/06/2024, 11:21 - {second}: This message was deleted",
        f"14/06/2024, 10:55 - {boss}: Feri tena. Same place",
        "",
    ]
    return "\n".join(lines)


def populate(context: DemoContext) -> list[Tip]:
    from usalama.comms import services as comms
    from usalama.comms.models import CellSite
    from usalama.records.importers.comms import CommsOptions
    from usalama.records.imports import import_file
    from usalama.records.models import Collection, EntityRecord

    analyst = context.users.get("dci.analyst")
    layering: dict[str, Any] = context.world.scenarios.get("layering", {})
    if analyst is None or not layering:
        return []
    principal = _phone(context, layering["principal"])
    collector = _phone(context, layering["collector"])
    associates = [p for p in (_phone(context, a) for a in layering["associates"]) if p]
    if not principal or not collector or len(associates) < 2:
        return []
    others = sorted(
        {
            str(phone)
            for item in context.world.records
            if item.schema == "Person"
            for phone in item.entity.get("properties", {}).get("phone", [])
            if str(phone).startswith("+2547") and phone not in (principal, collector, *associates)
        }
    )[:40]
    done = EntityRecord.objects.filter(collection__key=COLLECTION, schema="Call").exists()
    if not done:
        with tempfile.TemporaryDirectory() as folder:
            cdr = Path(folder) / "safaricom_return_MCCR-E512-2024.csv"
            middle = _free(context, MIDDLE_LINES)
            cdr.write_text(_cdr(principal, collector, associates, others, middle), encoding="utf-8")
            import_file(analyst, cdr, COLLECTION, fmt="cdr", label="Operation Likoni: calls",
                        comms_options=CommsOptions(court_order=COURT_ORDER))  # fmt: skip
            chat = Path(folder) / "WhatsApp Chat with Wazee.txt"
            chat.write_text(_whatsapp(principal, associates), encoding="utf-8")
            import_file(
                analyst,
                chat,
                COLLECTION,
                fmt="whatsapp",
                comms_options=CommsOptions(
                    court_order=COURT_ORDER,
                    device="Samsung Galaxy A14 seized from the collector (exhibit DCI/ML/07)",
                    examiner="Cpl. Achieng Otieno, DCI Cybercrime Unit",
                ),
            )
    if not EntityRecord.objects.filter(collection__key=COLLECTION, schema="Payment").exists():
        with tempfile.TemporaryDirectory() as folder:
            money = Path(folder) / "safaricom_mpesa_return_MCCR-E512-2024.ftm.json"
            returned = _mpesa_return(
                principal, _free(context, MIDDLE_LINES), _free(context, SUSPECT_LINES)
            )
            money.write_text(returned, encoding="utf-8")
            import_file(analyst, money, COLLECTION, fmt="ftm")
    collection = Collection.objects.get(key=COLLECTION)
    if not CellSite.objects.filter(collection=collection).exists():
        with tempfile.TemporaryDirectory() as folder:
            cells = Path(folder) / "safaricom_cells_nairobi_mombasa.csv"
            lines = ["cell_id,lat,lon,azimuth,beam_width,name"] + [
                f"{c},{lat},{lon},{az},{beam},{name}" for c, lat, lon, az, beam, name in CELLS
            ]
            cells.write_text("\n".join(lines) + "\n", encoding="utf-8")
            comms.import_cells(analyst, collection.pk, cells, cells.name)
    return [
        Tip(
            "dci.analyst",
            "Calls and chats → Operation Likoni → Analyse: co-location finds the principal of "
            "the M-Pesa layering case and the collector meeting three times at the Likoni "
            "ferry; 'On the map' draws the cell sectors, both trails and the meetings.",
        ),
        Tip(
            "dci.supervisor",
            "Link chart: search the principal's phone; his calls and WhatsApp messages to the "
            "associates sit next to the structured M-Pesa transfers they received.",
        ),
        Tip(
            "dci.analyst",
            f"Link chart → Find path from the principal's number to {SUSPECT}: the calls to "
            "Mama Njeri and the M-Pesa wallet both paid into.",
        ),
    ]
