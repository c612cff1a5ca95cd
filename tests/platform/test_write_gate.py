"""A grant is read-only (issue #20, finding 1), runs never widen (finding 10), an agency
administrator does not read its analysts' work (finding 11), refusals are audited (finding 7).

The world: NPS owns ``nps-incidents``, DCI owns ``dci-intel`` and has granted it to ODPP and
to NPS (read-only). Every refused write answers 403 (visible through a grant) or 404 (not
visible), changes nothing, and is audited under the acting user with the owner's agency.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.platform.web_login import sign_in
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def granted(world: dict[str, Any]) -> dict[str, Any]:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.records.models import CollectionGrant
    from usalama.resolve.merging import create_merge
    from usalama.resolve.models import CandidatePair, PairStatus

    dci_col = world["collections"]["dci"]
    nps_col = world["collections"]["nps"]
    for agency in ("ODPP", "NPS"):
        CollectionGrant.objects.create(
            collection=dci_col, agency=world["agencies"][agency], granted_by="test"
        )
    for username, role in [("dci.admin", "agency_admin"), ("nps.admin", "agency_admin")]:
        agency = world["agencies"][username.split(".")[0].upper()]
        world["users"][username] = accounts.create_user(
            Actor(name="test"), username=username, agency=agency, roles=[role], password=PASSWORD
        ).user
    inside_dci = CandidatePair.objects.create(
        left_entity_id="dci-p1",
        right_entity_id="dci-w1",
        left_collection=dci_col,
        right_collection=dci_col,
        probability=0.8,
        match_weight=3.0,
        status=PairStatus.REVIEW,
    )
    across = CandidatePair.objects.create(
        left_entity_id="dci-p1",
        right_entity_id="nps-p1",
        left_collection=dci_col,
        right_collection=nps_col,
        probability=0.9,
        match_weight=4.0,
        status=PairStatus.REVIEW,
    )
    merge = create_merge({"dci-p1": dci_col.pk, "dci-w1": dci_col.pk}, Actor(name="test"), None)
    return {**world, "inside_dci": inside_dci, "across": across, "merge": merge}


def _refusals(username: str) -> list[Any]:
    from usalama.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action="access.refused", actor=username))


def _canonical(entity_id: str) -> str:
    from usalama.records.models import EntityRecord

    return EntityRecord.objects.get(entity_id=entity_id).canonical_id


def test_grantee_cannot_judge_the_owners_pairs(granted: dict[str, Any]) -> None:
    from usalama.audit.services import events_visible_to
    from usalama.resolve import services
    from usalama.resolve.models import Judgement

    odpp = granted["users"]["odpp.prosecutor"]
    pair = granted["inside_dci"]
    assert services.get_pair(odpp, pair.pk) == pair  # the grant lets it read
    before = _canonical("dci-p1")
    with pytest.raises(PermissionDenied):
        services.judge_pair(odpp, pair.pk, "different")
    pair.refresh_from_db()
    assert pair.verdict == "" and not Judgement.objects.exists()
    assert _canonical("dci-p1") == before  # the merge holding both was not split
    [refusal] = _refusals("odpp.prosecutor")
    assert refusal.agency == "ODPP"
    assert refusal.details["attempted"] == "resolve.judge"
    assert refusal.details["owner_agency"] == "DCI"
    # the owner's administrators see the attempt, another agency's do not
    assert events_visible_to(granted["users"]["dci.admin"]).filter(pk=refusal.pk).exists()
    assert not events_visible_to(granted["users"]["nps.admin"]).filter(pk=refusal.pk).exists()


def test_a_pair_reaching_into_a_granted_collection_is_refused(granted: dict[str, Any]) -> None:
    from usalama.resolve import services

    nps = granted["users"]["nps.analyst"]
    with pytest.raises(PermissionDenied):
        services.judge_pair(nps, granted["across"].pk, "same")
    assert _canonical("nps-p1") == "nps-p1"
    # the owner may judge the pair inside its collection
    dci = granted["users"]["dci.analyst"]
    services.judge_pair(dci, granted["inside_dci"].pk, "different")
    assert _canonical("dci-p1") == "dci-p1"


def test_foreign_agency_gets_404_and_is_audited(granted: dict[str, Any]) -> None:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.resolve import services

    frc = accounts.ensure_agency(
        Actor(name="test"), code="FRC", name="FRC", country="KE", kind="fiu"
    )
    stranger = accounts.create_user(
        Actor(name="test"), username="frc.analyst", agency=frc, roles=["analyst"], password=PASSWORD
    ).user
    with pytest.raises(NotFound):
        services.judge_pair(stranger, granted["inside_dci"].pk, "same")
    with pytest.raises(NotFound):
        services.undo_merge(stranger, granted["merge"].pk)
    assert [e.details["attempted"] for e in _refusals("frc.analyst")] == [
        "resolve.judge",
        "resolve.merge.undo",
    ]


def test_grantee_cannot_undo_the_owners_merge(granted: dict[str, Any]) -> None:
    from usalama.resolve import services

    merge = granted["merge"]
    with pytest.raises(PermissionDenied):
        services.undo_merge(granted["users"]["nps.analyst"], merge.pk)
    merge.refresh_from_db()
    assert merge.undone_at is None
    assert _canonical("dci-w1") == merge.canonical_id
    services.undo_merge(granted["users"]["dci.analyst"], merge.pk)
    assert _canonical("dci-w1") == "dci-w1"


def test_a_run_naming_a_granted_collection_is_refused_not_narrowed(
    granted: dict[str, Any],
) -> None:
    from usalama.resolve import services
    from usalama.resolve.models import ResolutionRun

    nps = granted["users"]["nps.analyst"]
    with pytest.raises(PermissionDenied):
        services.start_run(nps, ["nps-incidents", "dci-intel"])
    with pytest.raises(NotFound):
        services.start_run(nps, ["nps-incidents", "no-such-collection"])
    assert not ResolutionRun.objects.exists()
    refused = [e.details["attempted"] for e in _refusals("nps.analyst")]
    assert refused == ["resolve.run", "resolve.run"]
    # without keys a run covers what the agency owns, never a granted collection
    run = services.start_run(nps)
    assert run.collection_keys == ["nps-incidents"]


def test_a_queued_run_without_collections_does_not_run_over_everything(
    granted: dict[str, Any],
) -> None:
    from usalama.resolve.models import ResolutionRun, RunStatus
    from usalama.resolve.runs import run_job

    orphan = ResolutionRun.objects.create(
        user=None,
        started_by="nps.analyst",
        collection_keys=[],
        upper=0.95,
        lower=0.6,
        status=RunStatus.QUEUED,
    )
    run_job(orphan.pk)
    orphan.refresh_from_db()
    assert orphan.status == RunStatus.FAILED
    assert orphan.records == 0 and orphan.collection_keys == []


def test_api_run_with_null_collections_is_4xx(
    granted: dict[str, Any], client: Any, token_for: Any
) -> None:
    from usalama.resolve.models import ResolutionRun

    headers = {"Authorization": f"Bearer {token_for('nps.analyst')}"}
    for body in ({"collections": [None, None]}, {"collections": ["", " "]}):
        response = client.post(
            "/api/v1/resolve/runs", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 422, response.content
    assert not ResolutionRun.objects.exists()
    with pytest.raises(InvalidInput):
        from usalama.resolve import services

        services.start_run(granted["users"]["nps.analyst"], ["", None])  # type: ignore[list-item]


def test_api_and_web_judgement_by_grantee_answer_403(
    granted: dict[str, Any], client: Any, token_for: Any
) -> None:
    from usalama.resolve.models import Judgement

    pair = granted["inside_dci"]
    headers = {"Authorization": f"Bearer {token_for('nps.analyst')}"}
    response = client.post(
        f"/api/v1/resolve/pairs/{pair.pk}/judgement",
        {"verdict": "same"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    response = client.post(f"/api/v1/resolve/merges/{granted['merge'].pk}/undo", headers=headers)
    assert response.status_code == 403
    sign_in(client, granted["users"]["nps.analyst"])
    assert client.post(f"/resolve/review/{pair.pk}/judge/", {"verdict": "same"}).status_code == 403
    assert client.post(f"/resolve/merges/{granted['merge'].pk}/undo/").status_code == 403
    assert not Judgement.objects.exists()
    assert len(_refusals("nps.analyst")) == 4


def _alert(collection: Any) -> Any:
    from usalama.money.models import Account, Alert

    account = Account.objects.create(collection=collection, kind="bank", identifier="KE-1")
    return Alert.objects.create(collection=collection, account=account, typologies=["structuring"])


def test_grantee_cannot_review_or_scan_the_owners_money(granted: dict[str, Any]) -> None:
    from usalama.money import services as money
    from usalama.money.models import Alert

    alert = _alert(granted["collections"]["dci"])
    odpp = granted["users"]["odpp.prosecutor"]
    assert money.get_alert(odpp, alert.pk) == alert  # readable through the grant
    with pytest.raises(PermissionDenied):
        money.review_alert(odpp, alert.pk, "dismissed", "not ours")
    alert.refresh_from_db()
    assert alert.status == "open" and alert.reviewer == ""
    with pytest.raises(PermissionDenied):
        money.scan(odpp, granted["collections"]["dci"])
    assert Alert.objects.count() == 1
    assert [e.details["attempted"] for e in _refusals("odpp.prosecutor")] == [
        "money.alert.review",
        "money.scan",
    ]
    money.review_alert(granted["users"]["dci.analyst"], alert.pk, "dismissed")
    alert.refresh_from_db()
    assert alert.status == "dismissed"


def test_grantee_cannot_import_into_the_owners_collection(granted: dict[str, Any]) -> None:
    import io

    from usalama.records.jobs import start_import_job
    from usalama.records.models import ImportJob

    with pytest.raises(PermissionDenied):
        start_import_job(
            granted["users"]["nps.analyst"],
            granted["collections"]["dci"].pk,
            io.BytesIO(b"name\nx\n"),
            "people.csv",
            8,
        )
    assert not ImportJob.objects.exists()
    assert _refusals("nps.analyst")[0].details["attempted"] == "records.import"


def test_agency_admin_does_not_read_runs_or_charts(granted: dict[str, Any]) -> None:
    from usalama.network.models import SavedChart
    from usalama.network.services import list_charts
    from usalama.resolve import services

    dci = granted["users"]["dci.analyst"]
    admin = granted["users"]["dci.admin"]
    run = services.start_run(dci)
    SavedChart.objects.create(owner=dci, agency_id=dci.agency_id, name="suspects", layout={})
    assert services.recent_runs(dci) and list_charts(dci)
    assert services.recent_runs(admin) == []
    assert list_charts(admin) == []
    with pytest.raises(NotFound):
        services.get_run(admin, run.pk)


def test_refused_api_reads_are_audited(
    granted: dict[str, Any], client: Any, token_for: Any
) -> None:
    headers = {"Authorization": f"Bearer {token_for('odpp.prosecutor')}"}
    nps_col = granted["collections"]["nps"]
    assert client.get(f"/api/v1/collections/{nps_col.pk}", headers=headers).status_code == 404
    [refusal] = _refusals("odpp.prosecutor")
    assert refusal.object_id == f"/api/v1/collections/{nps_col.pk}"
    assert refusal.details["reason"] == "404"
    assert (
        client.get("/api/v1/me", headers={"Authorization": "Bearer usl_wrong"}).status_code == 401
    )
    assert _refusals("anonymous")[0].object_type == "api_token"
