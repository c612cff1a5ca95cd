"""Done-means 2 of issue 13: as the demo's NPS analyst, a link chart from an NPS suspect
reaches FRC and UPF records through grants, each hop with its provenance; and the grants
are read-only and make the partner forces' collections visible to someone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.platform.web_login import sign_in
from usalama.accounts.models import User
from usalama.core.errors import NotFound
from usalama.demo.stage_sharing_grants import pooled_suspect_id
from usalama.network import services as network
from usalama.records.models import Collection, CollectionGrant


@pytest.fixture
def demo(db: Any) -> Any:
    from usalama.demo import generate_world
    from usalama.demo.load import load_demo

    logins = load_demo(seed=7, people=200, quiet=True)
    return generate_world(seed=7, people=200), logins


def test_nps_link_chart_reaches_frc_and_upf_through_grants(demo: Any) -> None:
    world, _logins = demo
    scenario = world.scenarios["cross_agency_suspect"]
    nps = User.objects.get(username="nps.analyst")
    start = pooled_suspect_id(7)
    chart = network.expand(nps, network.ExpandQuery(nodes=[start], hops=1, with_provenance=True))
    reached = {e for node in chart["nodes"] for e in node["entities"]}
    for agency in ("DCI", "FRC", "UPF"):
        assert scenario["records"][agency] in reached, agency
    agencies = {p["agency"] for edge in chart["edges"] for p in edge["provenance"]}
    assert {"NPS", "DCI", "FRC", "UPF"} <= agencies
    # every hop says which collection and source each side came from
    for edge in chart["edges"]:
        assert edge["provenance"], edge
        assert all(p["collection"] and p["source"] for p in edge["provenance"])


def test_without_the_grants_the_chart_stays_at_home(demo: Any) -> None:
    world, _logins = demo
    scenario = world.scenarios["cross_agency_suspect"]
    CollectionGrant.objects.filter(agency__code="NPS").delete()
    nps = User.objects.get(username="nps.analyst")
    chart = network.expand(
        nps, network.ExpandQuery(nodes=[pooled_suspect_id(7)], hops=1, with_provenance=True)
    )
    reached = {e for node in chart["nodes"] for e in node["entities"]}
    assert not reached & set(scenario["records"].values())
    with pytest.raises(NotFound):
        network.expand(nps, network.ExpandQuery(nodes=[scenario["records"]["UPF"]], hops=1))


def test_partner_collections_are_visible_to_someone_and_the_demo_prints_tips(demo: Any) -> None:
    _world, logins = demo
    for key in ("upf-cross-border", "tpf-cross-border"):
        collection = Collection.objects.get(key=key)
        readers = {g.agency.code for g in collection.grants.filter(revoked_at__isnull=True)}
        assert {"NPS", "DCI"} <= readers, key
    tips = {login.username: login.tips for login in logins}
    assert any("Link chart" in t for t in tips["nps.analyst"])


def _counts() -> dict[str, int]:
    from usalama.intake.models import Report, Tip
    from usalama.money.models import Alert, Transfer
    from usalama.policing.models import Incident
    from usalama.records.models import Source, Statement
    from usalama.resolve.models import CandidatePair, ResolutionRun

    models = (CollectionGrant, Source, Statement, Alert, Transfer, Incident, Report, Tip)
    counts = {m.__name__: m.objects.count() for m in models}
    counts |= {m.__name__: m.objects.count() for m in (CandidatePair, ResolutionRun)}
    counts["numbered"] = Incident.objects.exclude(ob_number="").count()
    return counts


def test_every_stage_leaves_work_and_a_second_run_changes_nothing(demo: Any) -> None:
    from usalama.demo.load import load_demo

    before = _counts()
    for name in ("Alert", "Incident", "Report", "Tip", "CandidatePair", "ResolutionRun"):
        assert before[name] > 0, name
    assert before["numbered"] == before["Incident"]  # every incident has its OB number
    load_demo(seed=7, people=200, quiet=True)
    assert _counts() == before


# The work each role finds first ("Waiting for you"): the demo's tip for the role names it.
FIRST_WORK = {
    "nps.analyst": {"money", "intake"},
    "dci.analyst": {"resolution"},
    "frc.analyst": {"money"},
    "dci.supervisor": {"requests"},
    "nps.desk": {"intake", "support"},
    "nps.commander": {"incidents"},
    "nps.supervisor": {"ward_alerts"},
    "odpp.prosecutor": {"charge"},
    "ipoa.investigator": {"complaints", "section25"},
    "nps.wellness": {"referrals"},
    "jud.clerk": {"court"},
    "nps.iau": {"recommendations"},
}


def test_every_working_role_finds_its_work_waiting_on_the_first_page(demo: Any) -> None:
    from django.test import Client
    from django.utils import translation

    from usalama.desk.work import work_for

    for username, keys in FIRST_WORK.items():
        user = User.objects.get(username=username)
        with translation.override("en"):  # a request below leaves Swahili active
            items = {item.key: item for item in work_for(user)}
        waiting = {key for key, item in items.items() if item.count > 0}
        assert keys <= waiting, (username, {k: items[k].count for k in items})
        # the firewall: nobody but the counsellor counts wellness referrals
        assert ("referrals" in items) == (username == "nps.wellness"), username
        client = Client()
        sign_in(client, user)
        for key in keys:  # every item opens for its reader
            assert client.get(items[key].url).status_code == 200, (username, items[key].url)
        client.post("/i18n/setlang/", {"language": "sw", "next": "/"})
        page = client.get("/").content.decode()
        with translation.override("sw"):
            texts = [item.text for item in work_for(user)]
        assert 'id="work-panel"' in page and all(t in page for t in texts), username
        assert not any(t == items[k].text for t, k in zip(texts, items, strict=True)), username
    # history is closed work: the desk's queue holds the demo's curated reports, not hundreds
    desk = {i.key: i.count for i in work_for(User.objects.get(username="nps.desk"))}
    assert desk["intake"] < 50
    # the administrators' first page is their people and agencies, not casework
    assert work_for(User.objects.get(username="sysadmin")) == []


# Links a walk does not follow: leaving, files and downloads, the language switch.
NOT_WALKED = re.compile(
    r"/logout|/static/|/media/|/i18n/|lang=|\.(pdf|csv|xlsx|json|geojson|graphml|gexf)\b"
    r"|format=|/export|download|/photo|/attachment"
)
HREF = re.compile(r'href="(/[^"#]*)"')


def test_every_link_a_role_is_offered_opens(demo: Any) -> None:
    """Beyond the menus (the browser test walks those): every link on a role's pages, a few
    levels down, answers below 400 for that role. A shared case once linked the owner's
    suspects (404 for the prosecutors) and an agency's admin page an audit filter the log
    refused (400)."""
    import html
    from collections import deque

    from django.test import Client

    from usalama.demo.load import DEMO_USERS

    failures = []
    for username, _agency, _role in DEMO_USERS:
        user = User.objects.get(username=username)
        client = Client()
        sign_in(client, user)
        seen, queue, came_from = {"/"}, deque(["/"]), {"/": "login"}
        for _ in range(60):
            if not queue:
                break
            path = queue.popleft()
            response = client.get(path)
            if response.status_code >= 400:
                failures.append((username, path, response.status_code, came_from[path]))
                continue
            if "html" not in response.headers.get("Content-Type", ""):
                continue
            # a few new links a page: every kind of page is reached, not one long list
            links = (html.unescape(h) for h in HREF.findall(response.content.decode()))
            new = [link for link in dict.fromkeys(links) if link not in seen]
            for link in [link for link in new if not NOT_WALKED.search(link)][:4]:
                seen.add(link)
                queue.append(link)
                came_from[link] = path
    assert failures == []
