"""Demo stage: a tipster's side of the conversation, and where the keys are.

One anonymous tip with a tip code derived from the demo's seed (so that a second run finds
it again and adds nothing), an investigator's question waiting for the tipster, and the
code printed as the thing to try: typed into the form at /tip/, never in an address. The
keys that protect data at rest were generated outside the data directory; the stage says
where, so that an operator trying the demo sees the arrangement a real install needs.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from usalama.core.errors import NotFound
from usalama.demo.stages import DemoContext, Tip
from usalama.intake import codes, services, staff, throttle
from usalama.intake.models import Channel

QUESTION = "Asante kwa taarifa. Gari lilikuwa na nambari gani ya usajili?"
DEMO_CLIENT = throttle.Client("demo-stage")


def _demo_code(seed: int) -> str:
    digest = hashlib.sha256(f"usalama-demo-tip:{seed}".encode()).digest()
    number = int.from_bytes(digest[:10], "big")
    chars = "".join(codes.CROCKFORD[(number >> (5 * i)) & 31] for i in range(codes.CODE_CHARS))
    if chars.isdigit():
        chars = "A" + chars[1:]
    return codes.format_code(chars)


def populate(context: DemoContext) -> list[Tip]:
    code = _demo_code(context.seed)
    desk = context.users.get("nps.desk") or next(iter(context.users.values()))
    try:
        services.find_tip(code, client=DEMO_CLIENT)
    except NotFound:
        tip, _code = services.submit_tip(
            services.SubmissionInput(
                category="vehicle_theft",
                description="Gari jeupe aina ya Probox limeibiwa usiku karibu na soko la "
                "Kongowea; wezi walikuwa wawili.",
                channel=Channel.WEB,
                language="sw",
                county="Mombasa",
                location_text="Soko la Kongowea",
            ),
            code=code,
        )
        staff.reply_to_tip(desk, tip.pk, QUESTION)
    throttle.forget(DEMO_CLIENT)
    context.console.print(
        f"    keys (phone HMAC, field encryption) in {settings.USALAMA_KEYS_DIR}: "
        "outside the data directory, as a real install needs (USALAMA_KEYS_DIR)"
    )
    return [
        Tip(
            desk.username,
            f"as a tipster, open /tip/ and type the code {code}: the investigator's question "
            "waits there, and the code never appears in the address bar",
        )
    ]
