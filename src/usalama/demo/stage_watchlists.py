"""Demo stage: watchlists with planted matches in the demo world, and their alerts.

* NPS "Wanted persons": people recorded by NPS and DCI, written as another register would
  (parts reordered), with their birth dates; shared read-only with DCI, so DCI's records raise
  alerts for DCI and hit notices (without content) for NPS.
* FRC "OFAC sanctioned crypto addresses" (the shipped OFAC lists) and "Flagged wallets" (one
  wallet of the demo's fraud story), shared with NPS and DCI.
* NPS "Stolen vehicles", and two camera sightings of one of them read with OCR confusions, for
  the commander's plate-hits map.

Idempotent: lists and entries are keyed; alerts are stored once per pair; sightings once.
"""

from __future__ import annotations

import importlib.resources
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from usalama.accounts import services as accounts
from usalama.accounts.models import ApiToken, TokenScope
from usalama.audit.services import Actor
from usalama.demo.stages import DemoContext, Tip
from usalama.watchlists import services
from usalama.watchlists.delivery import deliver_due
from usalama.watchlists.models import Sighting, Subscription, Watchlist

WANTED_FROM = (("nps-arrests", 4), ("dci-investigations", 2))
STOLEN = (
    ("KDA 123A", "Toyota Probox, white; stolen at Westlands 2026-11-28 (OB 44/28/11/2026)"),
    ("KCB 880B", "Nissan Note, silver; carjacking on Thika Road"),
    ("GK A123B", "Government Land Cruiser; reported missing from Kilimani yard"),
    ("KBZ 456C", "Isuzu lorry; wanted in connection with cattle rustling"),
)
SIGHTINGS = (
    # (plate as the camera read it, camera, lat, lon, time)
    ("KDA I23A", "cam-waiyaki-way-03", -1.2648, 36.8035, "2026-12-05T07:42:10+03:00"),
    ("KCB 88OB", "cam-uhuru-hwy-11", -1.2921, 36.8219, "2026-12-05T08:05:51+03:00"),
    ("KCD 300X", "cam-uhuru-hwy-11", -1.2921, 36.8219, "2026-12-05T08:06:02+03:00"),
)


def _reordered(name: str) -> str:
    parts = name.split()
    return " ".join(parts[-1:] + parts[:-1]) if len(parts) > 1 else name


def _ensure_list(user: Any, key: str, label: str, kind: str, description: str) -> Watchlist:
    found = Watchlist.objects.filter(key=key).first()
    if found is not None:
        return found
    return services.create_watchlist(
        user, key=key, label=label, kind=kind, description=description, handling="H2"
    )


def _fill(user: Any, watchlist: Watchlist, entities: list[dict[str, Any]], **how: Any) -> None:
    """Entries once: a second demo run leaves the lists (and the audit log) as they are."""
    if not watchlist.entries.exists():
        services.add_entries(user, watchlist.pk, entities, **how)


def _grant(user: Any, watchlist: Watchlist, *codes: str) -> None:
    for code in codes:
        if not watchlist.grants.filter(agency__code=code, revoked_at__isnull=True).exists():
            services.grant(user, watchlist.pk, code)


def _wanted_entities(context: DemoContext) -> list[dict[str, Any]]:
    picked = []
    for collection, count in WANTED_FROM:
        people = sorted(
            (
                r
                for r in context.world.records
                if r.collection == collection
                and r.schema == "Person"
                and r.entity["properties"].get("birthDate")
            ),
            key=lambda r: r.id,
        )[:count]
        for n, person in enumerate(people, start=1):
            props = person.entity["properties"]
            picked.append(
                {
                    "id": f"wanted-{collection}-{n}",
                    "schema": "Person",
                    "properties": {
                        "name": [_reordered(props["name"][0])],
                        "birthDate": props["birthDate"][:1],
                        "nationality": props.get("nationality", ["ke"])[:1],
                        "notes": ["Warrant of arrest, Milimani Law Courts"],
                    },
                }
            )
    return picked


def _ofac_wallets() -> list[dict[str, Any]]:
    folder = importlib.resources.files("usalama.data") / "sanctions"
    wallets = []
    with importlib.resources.as_file(folder) as path:
        for listing in sorted(Path(path).glob("ofac_*.txt")):
            currency = listing.stem.removeprefix("ofac_")
            for line in listing.read_text().splitlines():
                address = line.strip()
                if address and not address.startswith("#"):
                    wallets.append(
                        {
                            "id": f"ofac-{currency.lower()}-{address}",
                            "schema": "CryptoWallet",
                            "properties": {"publicKey": [address], "currency": [currency]},
                        }
                    )
    return wallets


DEMO_ANALYST_PHONE = "+254700000101"
SENSOR_SITE = "Nairobi CBD cameras"


def _sensor_token(context: DemoContext) -> ApiToken:
    agency = context.agencies["NPS"]
    found = ApiToken.objects.filter(
        scope=TokenScope.SENSOR, name=SENSOR_SITE, user__agency=agency, revoked_at=None
    ).first()
    if found is not None:
        return found
    cameras = sorted({camera for _plate, camera, *_rest in SIGHTINGS})
    # the raw value is not kept: a real camera gets a token issued from the admin console
    return accounts.create_sensor_token(Actor(name="demo"), agency, SENSOR_SITE, cameras).token


def populate(context: DemoContext) -> list[Tip]:
    nps, frc = context.users["nps.analyst"], context.users["frc.analyst"]
    wanted = _ensure_list(
        nps,
        "nps-wanted-persons",
        "Wanted persons",
        "wanted",
        "Persons with a warrant of arrest; shared read-only with the DCI.",
    )
    _fill(nps, wanted, _wanted_entities(context), source="warrants-register")
    _grant(nps, wanted, "DCI")

    vehicles = _ensure_list(
        nps,
        "nps-stolen-vehicles",
        "Stolen vehicles",
        "vehicles",
        "Stolen and wanted vehicles reported to the NPS.",
    )
    cars = [
        {
            "id": f"stolen-{plate.replace(' ', '').lower()}",
            "schema": "Vehicle",
            "properties": {"registrationNumber": [plate], "notes": [reason]},
        }
        for plate, reason in STOLEN
    ]
    _fill(nps, vehicles, cars, source="stolen-vehicles-register")

    ofac = _ensure_list(
        frc,
        "frc-ofac-crypto",
        "OFAC sanctioned crypto addresses",
        "sanctions",
        "Digital currency addresses on the OFAC SDN list (shipped with usalama).",
    )
    _fill(frc, ofac, _ofac_wallets(), reason="OFAC SDN", source="OFAC SDN")
    _grant(frc, ofac, "NPS", "DCI")
    demo_wallets = sorted(
        (r for r in context.world.records if r.schema == "CryptoWallet"), key=lambda r: r.id
    )[:1]
    flagged = _ensure_list(
        frc,
        "frc-flagged-wallets",
        "Flagged wallets",
        "identifiers",
        "Wallets linked to suspicious transaction reports.",
    )
    _fill(
        frc,
        flagged,
        [
            {
                "id": f"flagged-{r.id}",
                "schema": "CryptoWallet",
                "properties": {"publicKey": r.entity["properties"]["publicKey"][:1]},
            }
            for r in demo_wallets
        ],
        reason="Linked to an STR on layered mobile-money fraud",
        source="FRC STR analysis",
    )

    # the NPS analyst follows the stolen-vehicles list by e-mail and SMS (reference + link)
    if not nps.email:
        nps.email = "nps.analyst@demo.usalama.local"
        nps.save(update_fields=["email"])
    followed = Subscription.objects.filter(
        user=nps, kind="watchlist", normalised=str(vehicles.pk), by_email=True, by_sms=True
    )
    if not followed.exists():  # a second demo run changes nothing (nor audits a re-subscribe)
        services.subscribe(
            nps,
            "watchlist",
            vehicles.key,
            by_email=True,
            by_sms=True,
            phone=DEMO_ANALYST_PHONE,
        )

    for watchlist in (wanted, vehicles, ofac, flagged):
        services.screen_watchlist(watchlist.pk)

    # the Nairobi cameras post with a sensor token (admin console → Sensors), bound to them
    token = _sensor_token(context)
    commander = context.users["nps.commander"]
    if not Sighting.objects.filter(camera_id__startswith="cam-", agency=commander.agency).exists():
        for plate, camera, lat, lon, when in SIGHTINGS:
            services.record_sighting(
                token.user,
                plate=plate,
                camera_id=camera,
                seen_at=datetime.fromisoformat(when).astimezone(UTC),
                lat=lat,
                lon=lon,
                sensor=token,
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    deliver_due()
    return [
        Tip(
            "nps.analyst",
            "Alerts: people in NPS records matching the Wanted persons list; "
            "open one, compare both sides and mark it a true match or a false positive.",
        ),
        Tip("dci.analyst", "Alerts: DCI records matching the NPS wanted list shared with DCI."),
        Tip(
            "nps.analyst",
            "Subscriptions: you follow Stolen vehicles by e-mail and SMS; a plate-hit alert "
            "lists the messages sent (a reference and a link only).",
        ),
        Tip(
            "nps.commander",
            "Plate hits map: stolen cars seen by two cameras, read with "
            "OCR confusions as 'KDA I23A' and 'KCB 88OB'.",
        ),
        Tip(
            "sysadmin",
            "Admin console → Sensors: the NPS Nairobi cameras' sensor token, bound to two "
            "cameras, with its last use; it may post plate sightings and nothing else.",
        ),
        Tip(
            "frc.analyst",
            "Watchlists: the OFAC crypto list and Flagged wallets; alerts show "
            "the wallet in an STR.",
        ),
    ]
