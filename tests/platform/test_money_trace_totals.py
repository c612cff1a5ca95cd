"""Defect 7: the trace's hop table, transfers table, seed amount and Sankey must agree.

The engine counted a holder's moves between their own accounts as tainted transfers: the
seed holder's top-up of the seed account doubled hop 1 (11.8 M shown for 5.9 M sent) and the
collector's exchange → crypto moves counted the same 5.8 M twice at hop 3.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise
from typing import Any

import pytest
from django.test import Client

from tests.platform.test_ledger import demo  # noqa: F401 - the demo ledger fixture
from usalama.accounts.models import User
from usalama.money import services
from usalama.money.models import Account

pytestmark = pytest.mark.django_db


def _seed(world: dict[str, Any], key: str) -> Account:
    scenario = world["world"].scenarios["layering"]
    return Account.objects.get(collection=world["collection"], entity_id=scenario[key])


@pytest.mark.parametrize("model", ["haircut", "poison", "fifo"])
def test_hop_table_transfers_seed_and_sankey_agree(demo: dict[str, Any], model: str) -> None:  # noqa: F811
    frc = User.objects.get(username="frc.analyst")
    seed = _seed(demo, "source_account")
    view = services.trace(frc, seed.pk, direction="forward", model=model, hops=5)

    listed: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
    for step in view.steps:
        if not step.via_holder:
            listed[step.hop][0] += 1
            listed[step.hop][1] += step.tainted
    table = {row.hop: [row.transfers, row.tainted] for row in view.by_hop if row.transfers}
    assert table == {hop: [n, pytest.approx(t)] for hop, (n, t) in listed.items()}

    sent = sum(s.tainted for s in view.steps if s.transfer.source_account_id == seed.pk)
    assert view.seed_amount == pytest.approx(sent)
    seed_row = next(row for row in view.accounts if row.account.pk == seed.pk)
    assert seed_row.tainted == pytest.approx(sent)
    # no money is invented between hops: a hop never carries more than the one before it
    amounts = [row.tainted for row in view.by_hop if row.transfers]
    assert all(b <= a + 0.01 for a, b in pairwise(amounts))
    # the Sankey draws the same steps: what leaves the seed there is the seed amount
    sankey_out = sum(
        s.tainted for s in view.steps if str(s.transfer.source_account_id) == str(seed.pk)
    )
    assert sankey_out == pytest.approx(view.seed_amount)


def test_trace_page_shows_one_seed_amount(client: Client, demo: dict[str, Any]) -> None:  # noqa: F811
    from tests.platform.test_administration import PASSWORD, log_in

    frc = User.objects.get(username="frc.analyst")
    frc.set_password(PASSWORD)
    frc.save()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=frc).exists():
        TOTPDevice.objects.create(user=frc, name="default", confirmed=True)
    log_in(client, "frc.analyst")
    seed = _seed(demo, "source_account")
    page = client.get(
        "/money/trace/", {"account": seed.pk, "direction": "forward", "model": "haircut", "hops": 5}
    ).content.decode()
    shown = re.search(r'id="seed-amount">([^<]+)<', page)
    assert shown is not None
    hop_rows = re.findall(
        r'<tr><td>(\d+)</td><td class="num">(\d+)</td><td class="num">([^<]+)</td>', page
    )
    assert hop_rows and hop_rows[0][0] == "1"
    assert hop_rows[0][2] == shown.group(1)
