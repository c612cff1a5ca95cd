"""Demo stage: the FRC's ledger synced from its records and scanned, as ``usalama ledger
sync`` and ``usalama ledger scan`` do, so the FRC analyst opens the money pages on open
alerts (the planted layering scheme among them).

Idempotent: syncing adds only what is missing, and the scan runs again only when the sync
added transfers (a re-scan would keep the same alerts but write another audit event).
"""

from __future__ import annotations

from usalama.demo.stages import DemoContext, Tip
from usalama.money import services as money
from usalama.money.models import Alert

LEDGER_COLLECTIONS = ("frc-str", "frc-beneficial-ownership")


def populate(context: DemoContext) -> list[Tip]:
    flagged = 0
    for key in LEDGER_COLLECTIONS:
        if key not in context.collections:
            continue
        collection = money.collection_for(None, key)
        synced = money.sync_from_records(collection)
        scanned = Alert.objects.filter(collection=collection).exists()
        if synced.transfers_added or not scanned:
            money.scan(None, collection)
        flagged += Alert.objects.filter(collection=collection).count()
    if not flagged:
        return []
    return [
        Tip(
            "frc.analyst",
            f"Money: {flagged} accounts flagged — open the top alert, then trace its money "
            "forward from the cash deposit.",
        )
    ]
