"""Merges do not leak hidden records (issue #20, finding 6).

NPS's ``nps-p1`` is merged with DCI's ``dci-p1``. Before DCI shares its collection, an NPS
analyst's graph must look as if no merge happened: the node's id, member list and link
counts come from NPS's records alone. Once DCI grants its collection, the merge shows.
"""

from __future__ import annotations

from typing import Any


def _merge_across_agencies(world: dict[str, Any]) -> str:
    from usalama.audit.services import Actor
    from usalama.resolve.merging import create_merge

    merge = create_merge(
        {
            "nps-p1": world["collections"]["nps"].pk,
            "nps-p2": world["collections"]["nps"].pk,
            "dci-p1": world["collections"]["dci"].pk,
        },
        Actor(name="cli"),
        None,
    )
    return merge.canonical_id


def test_graph_hides_a_merge_with_another_agencys_record(world: dict[str, Any]) -> None:
    from usalama.network import services
    from usalama.records.models import CollectionGrant

    canonical = _merge_across_agencies(world)
    nps = world["users"]["nps.analyst"]
    detail = services.node_detail(nps, "nps-p1")
    assert detail["id"] != canonical
    assert detail["entities"] == ["nps-p1", "nps-p2"]
    assert {c["agency"] for c in detail["collections"]} == {"NPS"}
    expanded = services.expand(nps, services.ExpandQuery(nodes=["nps-p1"], hops=1))
    ids = {n["id"] for n in expanded["nodes"]}
    assert canonical not in ids
    assert all("dci-p1" not in n["entities"] for n in expanded["nodes"])
    assert canonical not in str(services.search(nps, "Hassan"))
    # the DCI, which sees only its own record, does not learn of the NPS records either
    dci_detail = services.node_detail(world["users"]["dci.analyst"], "dci-p1")
    assert dci_detail["id"] == "dci-p1" and dci_detail["entities"] == ["dci-p1"]

    # once the DCI shares its collection with the NPS, the whole merge is one node
    CollectionGrant.objects.create(
        collection=world["collections"]["dci"], agency=world["agencies"]["NPS"], granted_by="t"
    )
    detail = services.node_detail(nps, "nps-p1")
    assert detail["id"] == canonical
    assert detail["entities"] == ["dci-p1", "nps-p1", "nps-p2"]
