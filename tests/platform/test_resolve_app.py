"""The resolve app: runs over the demo, judgements that stick, undo, access, audit.

Runs on SQLite and, with ``USALAMA_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest

from usalama.audit.models import AuditEvent
from usalama.core.errors import NotFound
from usalama.resolve import services
from usalama.resolve.models import CandidatePair, Judgement, Merge, PairStatus

pytestmark = pytest.mark.django_db

PEOPLE = 300


def _canonical(entity_id: str) -> str:
    from usalama.records.models import EntityRecord

    return EntityRecord.objects.get(entity_id=entity_id).canonical_id


def _pair(left: str, right: str) -> CandidatePair:
    a, b = sorted((left, right))
    return CandidatePair.objects.get(left_entity_id=a, right_entity_id=b)


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    from usalama.accounts.models import Agency, User
    from usalama.demo import generate_world
    from usalama.demo.load import load_demo
    from usalama.records.models import Collection, CollectionGrant

    load_demo(seed=7, people=PEOPLE, quiet=True, with_stages=False)
    world = generate_world(seed=7, people=PEOPLE)
    # Resolving writes canonical ids on both sides, and a grant is read-only (issue #20,
    # finding 1: tests/platform/test_write_gate.py), so for this cycle the DCI holds the FRC's
    # suspicious-transaction reports as its own copy: one agency owns both collections.
    Collection.objects.filter(key="frc-str").update(agency=Agency.objects.get(code="DCI"))
    CollectionGrant.objects.filter(collection__key="frc-str").delete()
    scenario = world.scenarios["cross_agency_suspect"]
    return {
        "scenario": scenario,
        "dci": User.objects.get(username="dci.analyst"),
        "nps": User.objects.get(username="nps.analyst"),
        "frc": User.objects.get(username="frc.analyst"),
        "keys": ["dci-investigations", "frc-str"],
    }


def test_run_judge_rerun_undo(demo: dict[str, Any]) -> None:
    dci_user = demo["dci"]
    suspect = demo["scenario"]["records"]
    left, right = suspect["DCI"], suspect["FRC"]

    result = services.run_resolution(dci_user, demo["keys"])
    assert result.candidates > 0
    assert result.merged + result.queued > 0
    pair = _pair(left, right)
    assert pair.status in (PairStatus.MERGED, PairStatus.REVIEW)
    assert pair.probability >= 0.6
    # the waterfall adds up: prior + each comparison = final weight
    assert pair.prior_weight + sum(pair.weights.values()) == pytest.approx(pair.match_weight)
    assert pair.weights["name"] != 0
    assert AuditEvent.objects.filter(action="resolve.run").count() == 1

    # another agency sees none of these pairs
    assert services.review_queue(demo["nps"]) == []
    with pytest.raises(NotFound):
        services.get_pair(demo["nps"], pair.pk)
    with pytest.raises(NotFound):
        services.judge_pair(demo["nps"], pair.pk, "different")
    # the FRC sees only its own collection, not DCI's records
    assert not CandidatePair.objects.visible_to(demo["frc"]).filter(pk=pair.pk).exists()

    # "different": split now and never merged again
    services.judge_pair(dci_user, pair.pk, "different", "different fathers")
    assert _canonical(left) != _canonical(right)
    services.run_resolution(dci_user, demo["keys"])
    assert _canonical(left) != _canonical(right)
    pair.refresh_from_db()
    assert pair.verdict == "different"
    assert pair.status == PairStatus.JUDGED

    # "same": merged now and on every later run
    services.judge_pair(dci_user, pair.pk, "same")
    assert _canonical(left) == _canonical(right)
    assert _canonical(left).startswith("canon-")
    services.run_resolution(dci_user, demo["keys"])
    assert _canonical(left) == _canonical(right)
    assert Judgement.objects.filter(pair=pair).count() == 2
    judge_events = AuditEvent.objects.filter(action="resolve.judge")
    assert judge_events.count() == 2
    assert {e.actor for e in judge_events} == {"dci.analyst"}

    # the canonical page lists both source records
    view = services.get_canonical(dci_user, _canonical(left))
    assert {left, right} <= {r.entity_id for r in view.records}
    with pytest.raises(NotFound):
        services.get_canonical(demo["nps"], _canonical(left))

    # undo restores the original canonical ids
    merge = Merge.objects.get(canonical_id=_canonical(left), undone_at__isnull=True)
    services.undo_merge(dci_user, merge.pk)
    assert _canonical(left) == left
    assert _canonical(right) == right
    assert AuditEvent.objects.filter(action="resolve.merge.undo").count() == 1
    with pytest.raises(NotFound):
        services.undo_merge(demo["nps"], merge.pk)


def _login(client: Any, username: str) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from usalama.demo.load import DEMO_PASSWORD

    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/otp/", {"token": code}).status_code == 302


def test_review_pages_and_cli(demo: dict[str, Any], client: Any, capsys: Any) -> None:
    from typer.testing import CliRunner

    from usalama.commands.resolve import app

    suspect = demo["scenario"]["records"]
    result = CliRunner().invoke(
        app,
        [
            "run",
            "--collections",
            "dci-investigations",
            "--collections",
            "frc-str",
            "--as",
            "dci.analyst",
            "--upper",
            "0.999999",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "candidates" in result.output and "queued" in result.output
    pair = _pair(suspect["DCI"], suspect["FRC"])

    assert client.get("/resolve/review/").status_code == 302  # login first
    _login(client, "dci.analyst")
    queue = client.get("/resolve/review/", {"status": pair.status})
    assert queue.status_code == 200
    assert f"/resolve/review/{pair.pk}/".encode() in queue.content
    page = client.get(f"/resolve/review/{pair.pk}/")
    assert page.status_code == 200
    assert b'<svg class="waterfall"' in page.content
    assert b'data-key="s"' in page.content and b'data-key="d"' in page.content
    assert b"Mohamed Abdi Hassan" in page.content and b"Mohammed Hassan Abdi" in page.content
    assert b"Suspicious transaction reports" in page.content  # provenance shown
    response = client.post(f"/resolve/review/{pair.pk}/judge/", {"verdict": "same"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.verdict == "same"
    canon = _canonical(suspect["DCI"])
    page = client.get(f"/resolve/canonical/{canon}/")
    assert page.status_code == 200
    assert suspect["DCI"].encode() in page.content and suspect["FRC"].encode() in page.content

    client.logout()
    _login(client, "nps.analyst")
    assert client.get(f"/resolve/review/{pair.pk}/").status_code == 404
    assert client.get(f"/resolve/canonical/{canon}/").status_code == 404
    assert (
        client.post(f"/resolve/review/{pair.pk}/judge/", {"verdict": "different"}).status_code
        == 404
    )
