"""Demo stage: a finished resolution run with a review queue, for the DCI analyst and
supervisor.

Run as the DCI analyst (``usalama resolve run --as dci.analyst`` does the same), so it covers
what the DCI may see: its own collections and those the NPS and the partner forces share
with it (``stage_sharing_grants`` runs first). Only near-certain matches (``UPPER``) are
merged on their own; the others wait in the review queue for a person to decide.
Measured time: see docs/demo-data.md.

Idempotent: when a run of the DCI analyst has finished, no new run starts.
"""

from __future__ import annotations

from usalama.demo.stages import DemoContext, Tip
from usalama.resolve import runs, services
from usalama.resolve.models import ResolutionRun, RunStatus

RUN_AS = "dci.analyst"
# Merge on its own only what is near certain; a person decides the rest (the review queue).
UPPER = 0.999
LOWER = 0.6


def populate(context: DemoContext) -> list[Tip]:
    analyst = context.users.get(RUN_AS)
    if analyst is None:
        return []
    finished = ResolutionRun.objects.filter(user=analyst, status=RunStatus.DONE).exists()
    if not finished:
        runs.run_resolution(analyst, upper=UPPER, lower=LOWER)
    queued = len(services.review_queue(analyst))
    tips = [
        Tip(
            "dci.analyst",
            f"Resolution: {queued} candidate pairs wait for review — open the first, compare "
            "the two records field by field, and decide.",
        )
    ]
    if "dci.supervisor" in context.users:
        tips.append(
            Tip(
                "dci.supervisor",
                "Resolution: check the merges the last run made, and undo one that is wrong.",
            )
        )
    return tips
