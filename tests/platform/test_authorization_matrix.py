"""The authorization matrix (issue #20): every URL pattern and API operation × every role ×
own / granted / foreign object, and anonymous.

The endpoints are discovered from the URL resolver and the OpenAPI schema of
``usalama.api.main.api``; ``RULES`` below says what each one is. **A new endpoint without a
row in ``RULES`` fails ``test_every_endpoint_has_a_rule``.** To add one, add one line:

    "GET /api/v1/things/{thing_id}": Rule(READ),               # an API operation
    "web POST things/<int:thing_id>/close/": Rule(WRITE),       # a page (its route pattern)

with the access kind (``PUBLIC``, ``SIGNED_IN``, ``READ``, ``WRITE``, ``ADMIN``, ``SECRET``,
``PEER``),
a JSON or form ``body`` for POSTs if it needs one, and — if the path names an object kind the
world does not have yet — a value in ``World.params``. Path parameters are filled from the
world by name (``collection_id``, ``pair_id``…). Web keys hold the method(s) the view answers
and the route pattern; a view that answers GET and POST has a row for each.

The world: DCI owns every object (collection, pair, merge, alert, account, run, chart, job,
tip, report); it granted its collection to ODPP (read-only); FRC has no relation to it. For
each role there is one user in DCI (own), ODPP (granted) and FRC (foreign). What must hold:

* anonymous: every non-public endpoint answers 401 (API) or a redirect to the login page;
* (``SIGNED_IN`` endpoints name no agency's object, so they run once per role, as "own")
* nobody ever gets a 5xx;
* a foreign agency gets 403/404 on every endpoint that names one of DCI's objects;
* a grantee gets 403/404 on every ``WRITE`` that names one of DCI's objects;
* the foreign and granted sweeps change nothing (a fingerprint of every writable table);
* ``ADMIN`` endpoints answer 403/404 to everyone but administrators.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.platform.matrix_support import (
    ADMIN,
    CONTEXTS,
    PEER,
    PUBLIC,
    READ,
    ROLES,
    SECRET,
    SENSOR,
    SIGNED_IN,
    WRITE,
    AreaContext,
    Rule,
)
from tests.platform.web_login import sign_in

PASSWORD = "correct horse battery staple 42"

_SAID = "Watu wawili wanauza bangi karibu na shule kila jioni baada ya saa kumi."

RULES: dict[str, Rule] = {
    # --- API ---------------------------------------------------------------------------------
    "GET /api/v1/health": Rule(PUBLIC),
    "GET /api/v1/me": Rule(SIGNED_IN),
    "GET /api/v1/agencies": Rule(SIGNED_IN),
    "POST /api/v1/agencies": Rule(
        ADMIN, body={"code": "NEWAG", "name": "New agency", "country": "KE", "kind": "partner"}
    ),
    "GET /api/v1/collections": Rule(SIGNED_IN),
    "GET /api/v1/collections/{collection_id}": Rule(READ),
    "GET /api/v1/entities": Rule(SIGNED_IN, query={"q": "hassan"}),
    "GET /api/v1/entities/{entity_id}": Rule(READ),
    "POST /api/v1/collections/{collection_id}/imports": Rule(WRITE, multipart=True),
    "GET /api/v1/imports/{job_id}": Rule(READ),
    "GET /api/v1/imports/{job_id}/errors.csv": Rule(READ),
    "GET /api/v1/collections/{collection_id}/export": Rule(READ, query={"format": "ftm"}),
    "GET /api/v1/audit/events": Rule(ADMIN),
    "GET /api/v1/public/categories": Rule(PUBLIC),
    "POST /api/v1/public/tips": Rule(PUBLIC, body={"category": "robbery", "description": _SAID}),
    # a tip code or a reference travels in the body, never in the path ("{code}" is filled)
    "POST /api/v1/public/tips/status": Rule(PUBLIC, body={"code": "{code}"}),
    "POST /api/v1/public/tips/messages": Rule(PUBLIC, body={"code": "{code}", "text": "hello"}),
    "POST /api/v1/public/reports": Rule(
        PUBLIC, body={"category": "breakings", "description": _SAID}
    ),
    "POST /api/v1/public/reports/status": Rule(PUBLIC, body={"reference": "{reference}"}),
    "GET /api/v1/intake/queue": Rule(SIGNED_IN),
    "GET /api/v1/intake/tips/{tip_id}": Rule(READ),
    "GET /api/v1/intake/reports/{report_id}": Rule(READ),
    "POST /api/v1/intake/tips/{tip_id}/messages": Rule(WRITE, body={"text": "We are on it."}),
    "POST /api/v1/intake/{kind}s/{item_id}/triage": Rule(WRITE, body={"priority": "high"}),
    "POST /api/v1/intake/{kind}s/{item_id}/incident": Rule(WRITE, body={}),
    "GET /api/v1/graph/expand": Rule(SIGNED_IN, query={"nodes": "dci-p1"}),
    "GET /api/v1/graph/path": Rule(SIGNED_IN, query={"source": "dci-p1", "target": "dci-w1"}),
    "GET /api/v1/graph/rank": Rule(SIGNED_IN),
    "GET /api/v1/graph/communities": Rule(SIGNED_IN),
    "GET /api/v1/policing/collections": Rule(SIGNED_IN),
    "GET /api/v1/policing/response-times": Rule(READ, query={"collection": "dci-intel"}),
    "GET /api/v1/money/alerts": Rule(SIGNED_IN),
    "GET /api/v1/money/alerts/{alert_id}": Rule(READ),
    "POST /api/v1/money/alerts/{alert_id}/review": Rule(WRITE, body={"status": "dismissed"}),
    "GET /api/v1/money/accounts/{account_id}": Rule(READ),
    "GET /api/v1/money/trace": Rule(READ, query={"account": "{account_id}"}),
    "POST /api/v1/resolve/runs": Rule(WRITE, body={"collections": ["dci-intel"]}),
    "GET /api/v1/resolve/runs/{run_id}": Rule(READ),
    "GET /api/v1/resolve/pairs": Rule(SIGNED_IN),
    "GET /api/v1/resolve/pairs/{pair_id}": Rule(READ),
    "POST /api/v1/resolve/pairs/{pair_id}/judgement": Rule(WRITE, body={"verdict": "unsure"}),
    "GET /api/v1/resolve/canonical/{canonical_id}": Rule(READ),
    "POST /api/v1/resolve/merges/{merge_id}/undo": Rule(WRITE),
    # --- pages -------------------------------------------------------------------------------
    "web GET i18n/setlang/": Rule(PUBLIC),
    "web POST i18n/setlang/": Rule(PUBLIC, body={"language": "sw"}),
    "web GET network/": Rule(SIGNED_IN),
    "web GET network/api/expand": Rule(SIGNED_IN, query={"nodes": "dci-p1"}),
    "web GET network/api/path": Rule(SIGNED_IN, query={"source": "dci-p1", "target": "dci-w1"}),
    "web GET network/api/search": Rule(SIGNED_IN, query={"q": "hassan"}),
    "web GET network/api/node/<str:node>": Rule(READ),
    "web GET network/api/provenance": Rule(SIGNED_IN, query={"ids": "x"}),
    "web GET network/api/subgraph": Rule(SIGNED_IN, query={"nodes": "dci-p1"}),
    "web GET network/api/scores": Rule(SIGNED_IN, query={"nodes": "dci-p1"}),
    "web GET network/api/export/<str:fmt>": Rule(SIGNED_IN),
    "web GET network/api/charts": Rule(SIGNED_IN),
    "web POST network/api/charts": Rule(SIGNED_IN, body={"name": "c", "layout": "{}"}),
    "web GET network/api/charts/<int:chart_id>": Rule(READ),
    "web GET policing/": Rule(SIGNED_IN),
    "web GET policing/response-times/": Rule(READ, query={"collection": "dci-intel"}),
    "web GET policing/response-times/export.csv": Rule(READ, query={"collection": "dci-intel"}),
    "web GET policing/hotspots/": Rule(READ, query={"collection": "dci-intel"}),
    "web GET money/": Rule(SIGNED_IN),
    "web GET money/alerts/": Rule(SIGNED_IN),
    "web GET money/alerts/<int:alert_id>/": Rule(READ),
    "web POST money/alerts/<int:alert_id>/review/": Rule(WRITE, body={"status": "dismissed"}),
    "web GET money/accounts/<int:account_id>/": Rule(READ),
    "web GET money/trace/": Rule(READ, query={"account": "{account_id}"}),
    "web GET money/trace/export.csv": Rule(READ, query={"account": "{account_id}"}),
    "web GET money/trace/report/": Rule(READ, query={"account": "{account_id}"}),
    "web GET resolve/": Rule(SIGNED_IN),
    "web GET resolve/review/": Rule(SIGNED_IN),
    "web GET resolve/review/<int:pair_id>/": Rule(READ),
    "web POST resolve/review/<int:pair_id>/judge/": Rule(WRITE, body={"verdict": "unsure"}),
    "web GET resolve/canonical/<str:canonical_id>/": Rule(READ),
    "web POST resolve/merges/<int:merge_id>/undo/": Rule(WRITE),
    "web GET resolve/runs/": Rule(SIGNED_IN),
    "web POST resolve/runs/": Rule(WRITE, body={"collections": "dci-intel"}),
    "web GET resolve/runs/<int:run_id>/": Rule(READ),
    "web GET records/": Rule(SIGNED_IN),
    "web GET records/collections/<int:collection_id>/export/": Rule(READ, query={"format": "ftm"}),
    "web GET records/imports/": Rule(SIGNED_IN),
    "web POST records/imports/": Rule(WRITE, multipart=True),
    "web GET records/imports/<int:job_id>/": Rule(READ),
    "web GET records/imports/<int:job_id>/errors.csv": Rule(READ),
    "web POST intake/triage/<str:kind>/<int:item_id>/incident/": Rule(WRITE, body={}),
    "web GET report/": Rule(PUBLIC),
    "web POST report/": Rule(PUBLIC, body={"category": "x"}),
    "web GET tip/": Rule(PUBLIC),
    # the code travels only in the body (answered by the POST itself, tip/<code>/ is gone)
    "web POST tip/": Rule(
        PUBLIC, body={"code": "{code}", "form_token": "{form_token}", "text": "x", "send": "1"}
    ),
    "web GET intake/triage/": Rule(SIGNED_IN),
    "web GET intake/leader/report/": Rule(SIGNED_IN),
    "web POST intake/leader/report/": Rule(SIGNED_IN, body={"category": "x"}),
    "web GET intake/triage/<str:kind>/<int:item_id>/": Rule(READ),
    "web POST intake/triage/<str:kind>/<int:item_id>/": Rule(WRITE, body={"priority": "high"}),
    # a peer installation's hit/no-hit check (sharing/federation): peer token + signature
    "POST /api/v1/federation/hitcheck": Rule(PEER, body={}),
    # the gateway secret travels in a header (intake/webhooks.py): none, or a wrong one, is 404
    "web POST webhooks/africastalking/sms/": Rule(
        SECRET, body={"from": "+254700000001", "text": "x", "id": "m1"}
    ),
    "web POST webhooks/africastalking/ussd/": Rule(
        SECRET, body={"sessionId": "s1", "phoneNumber": "+254700000001", "serviceCode": "*1#"}
    ),
    "web POST webhooks/smssync/": Rule(
        SECRET, body={"from": "+254700000001", "message": "x", "message_id": "m1"}
    ),
    "web GET ": Rule(SIGNED_IN),
    "web GET login/": Rule(PUBLIC),
    "web POST login/": Rule(PUBLIC, body={"username": "nobody", "password": "wrong"}),
    "web GET otp/": Rule(SIGNED_IN),
    "web POST otp/": Rule(SIGNED_IN, body={"token": "000000"}),
    "web POST logout/": Rule(SIGNED_IN),
    "web GET search/": Rule(SIGNED_IN, query={"q": "hassan"}),
    "web GET entities/<str:entity_id>/": Rule(READ),
    "web GET account/tokens/": Rule(SIGNED_IN),
    "web POST account/tokens/": Rule(SIGNED_IN, body={"name": "matrix"}),
}
# Web views that answer only one method are listed once; views answering GET and POST twice.
POST_ONLY_VIEWS = {
    "money/alerts/<int:alert_id>/review/",
    "resolve/review/<int:pair_id>/judge/",
    "resolve/merges/<int:merge_id>/undo/",
    "intake/triage/<str:kind>/<int:item_id>/incident/",
    "webhooks/africastalking/sms/",
    "webhooks/africastalking/ussd/",
    "webhooks/smssync/",
    "logout/",
}
GET_AND_POST_VIEWS = {
    "i18n/setlang/",
    "network/api/charts",
    "resolve/runs/",
    "records/imports/",
    "report/",
    "tip/",
    "intake/leader/report/",
    "intake/triage/<str:kind>/<int:item_id>/",
    "login/",
    "otp/",
    "account/tokens/",
}


def _areas() -> list[Any]:
    """The per-area modules in tests/platform/matrix_areas/ (cases, sharing, oversight, …)."""
    import pkgutil
    from importlib import import_module

    from tests.platform import matrix_areas

    return [
        import_module(f"tests.platform.matrix_areas.{info.name}")
        for info in pkgutil.iter_modules(matrix_areas.__path__)
    ]


AREAS = _areas()
for _area in AREAS:
    RULES.update(_area.RULES)
    POST_ONLY_VIEWS |= set(getattr(_area, "POST_ONLY_VIEWS", ()))
    GET_AND_POST_VIEWS |= set(getattr(_area, "GET_AND_POST_VIEWS", ()))


def _web_routes() -> Iterator[str]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns: Any, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    for route in walk(get_resolver().url_patterns, ""):
        if route.startswith(("api/v1/", "admin/")):
            continue  # the API is listed from its schema; the admin site is Django's own
        yield route


def discovered_endpoints() -> set[str]:
    from usalama.api.main import api

    found = set()
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            found.add(f"{method.upper()} {path}")
    for route in _web_routes():
        if route in POST_ONLY_VIEWS:
            found.add(f"web POST {route}")
        elif route in GET_AND_POST_VIEWS:
            found |= {f"web GET {route}", f"web POST {route}"}
        else:
            found.add(f"web GET {route}")
    return found


def test_every_endpoint_has_a_rule() -> None:
    found = discovered_endpoints()
    missing = sorted(found - set(RULES))
    stale = sorted(set(RULES) - found)
    assert not missing, f"endpoints without a row in RULES (see this file's docstring): {missing}"
    assert not stale, f"rows in RULES for endpoints that no longer exist: {stale}"


# --- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    params: dict[str, str]
    users: dict[tuple[str, str], Any]  # (role, context) -> user
    tokens: dict[tuple[str, str], str]


def _build_world(settings: Any) -> World:
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.intake import services as intake
    from usalama.intake.forms import new_form_token
    from usalama.money.models import Account, Alert
    from usalama.network.models import SavedChart
    from usalama.records import services as records
    from usalama.records.models import CollectionGrant, ImportJob, Source
    from usalama.resolve.merging import create_merge
    from usalama.resolve.models import CandidatePair, ResolutionRun

    settings.USALAMA_INTAKE_AGENCY = "DCI"
    settings.USALAMA_INTAKE_LOOKUP_DELAY = 0
    # a secret is configured, so a webhook's 404 below means "wrong or missing", not "unset"
    settings.USALAMA_GATEWAY_SECRET = "matrix-gateway-secret"
    actor = Actor(name="test")
    agencies = {
        code: accounts.ensure_agency(actor, code=code, name=code, country="KE", kind=kind)
        for code, kind in [("DCI", "investigations"), ("ODPP", "prosecution"), ("FRC", "fiu")]
    }
    users: dict[tuple[str, str], Any] = {}
    tokens: dict[tuple[str, str], str] = {}
    for context, code in CONTEXTS.items():
        for role in ROLES:
            user = accounts.create_user(
                actor,
                username=f"{code.lower()}.{role}",
                agency=agencies[code],
                roles=[role],
                password=PASSWORD,
            ).user
            users[(role, context)] = user
            tokens[(role, context)] = accounts.create_token(actor, user).raw
    collection = records.ensure_collection(
        actor, key="dci-intel", agency=agencies["DCI"], label="DCI intelligence", handling="H2"
    )
    CollectionGrant.objects.create(collection=collection, agency=agencies["ODPP"], granted_by="t")
    source = records.ensure_source(
        collection,
        kind=Source.Kind.MANUAL,
        name="fixture.json",
        sha256="0" * 64,
        importer="test",
        importer_version="1",
        created_by="test",
    )
    people = [
        {"id": "dci-p1", "schema": "Person", "properties": {"name": ["Mohamed Abdi Hassan"]}},
        {"id": "dci-p2", "schema": "Person", "properties": {"name": ["Mohammed Hassan Abdi"]}},
        {
            "id": "dci-w1",
            "schema": "CryptoWallet",
            "properties": {"publicKey": ["bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"]},
        },
    ]
    records.ingest_entities(actor, collection, source, [(e, str(i)) for i, e in enumerate(people)])
    pair = CandidatePair.objects.create(
        left_entity_id="dci-p1",
        right_entity_id="dci-p2",
        left_collection=collection,
        right_collection=collection,
        probability=0.8,
        match_weight=3.0,
        status="review",
    )
    merge = create_merge({"dci-p1": collection.pk, "dci-w1": collection.pk}, actor, None)
    analyst = users[("analyst", "own")]
    account = Account.objects.create(collection=collection, kind="bank", identifier="KE-1")
    alert = Alert.objects.create(collection=collection, account=account, typologies=["x"])
    run = ResolutionRun.objects.create(
        user=analyst,
        started_by=analyst.username,
        collection_keys=["dci-intel"],
        upper=0.95,
        lower=0.6,
    )
    chart = SavedChart.objects.create(
        owner=analyst, agency=agencies["DCI"], name="suspects", layout={"nodes": []}
    )
    job = ImportJob.objects.create(
        collection=collection,
        user=analyst,
        file_name="x.csv",
        stored_path="imports/x.csv",
        format="csv",
        status="failed",
        errors_csv="row,error\n1,bad\n",
    )
    description = "Watu wawili wanauza bangi karibu na shule kila jioni baada ya saa kumi."
    tip, code = intake.submit_tip(
        intake.SubmissionInput(category="robbery", description=description, channel="web")
    )
    report = intake.submit_report(
        intake.SubmissionInput(category="breakings", description=description, channel="web")
    )
    reference = report.reference
    area_params: dict[str, str] = {}
    area_context = AreaContext(
        agencies=agencies, users=users, collection=collection, actor=actor, settings=settings
    )
    for area in AREAS:
        area_params.update(area.build(area_context))
    return World(
        params={
            **area_params,
            "collection_id": str(collection.pk),
            "entity_id": "dci-p1",
            "node": "dci-p1",
            "canonical_id": merge.canonical_id,
            "job_id": str(job.pk),
            "pair_id": str(pair.pk),
            "merge_id": str(merge.pk),
            "run_id": str(run.pk),
            "alert_id": str(alert.pk),
            "account_id": str(account.pk),
            "chart_id": str(chart.pk),
            "tip_id": str(tip.pk),
            "report_id": str(report.pk),
            "kind": "tip",
            "item_id": str(tip.pk),
            "code": code,
            "form_token": new_form_token(),
            "reference": reference,
            "secret": "wrong-secret",  # what the webhook rows present (never the real one)
            "fmt": "json",
        },
        users=users,
        tokens=tokens,
    )


def _fill(template: str, params: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return params[match.group("name")]

    filled = re.sub(r"\{(?P<name>\w+)\}", value, template)
    return re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, filled)


def _request(client: Any, key: str, rule: Rule, world: World, headers: dict[str, str]) -> Any:
    api = not key.startswith("web ")
    method, _sep, path = key.removeprefix("web ").partition(" ")
    params = {**world.params, **{name: world.params[k] for name, k in rule.rename.items()}}
    url = ("" if api else "/") + _fill(path, params)
    query = {k: _fill(v, params) for k, v in rule.query.items()}
    # "{name}" in a body's string values (a tip code, a reference) is filled the same way
    body = {
        k: re.sub(r"\{(\w+)\}", lambda m: params.get(m.group(1), m.group(0)), v)
        if isinstance(v, str)
        else v
        for k, v in (rule.body or {}).items()
    }
    if method == "GET":
        return client.get(url, query, headers=headers)
    if rule.multipart:
        upload = io.BytesIO(b"name\nMohamed\n")
        upload.name = "people.csv"
        data: dict[str, Any] = {"file": upload, "collection": world.params["collection_id"]}
        return client.post(url, data, headers=headers)
    if api:
        return client.post(url, body, content_type="application/json", headers=headers)
    return client.post(url, body, headers=headers)


def fingerprint() -> str:
    """Everything a refused write could have changed, as one digest."""
    from usalama.intake.models import Message, Report, Tip
    from usalama.money.models import Alert
    from usalama.network.models import SavedChart
    from usalama.records.models import EntityRecord, ImportJob
    from usalama.resolve.models import CandidatePair, Judgement, Merge, ResolutionRun

    parts = [
        list(Alert.objects.order_by("id").values_list("id", "status", "reviewer", "note")),
        list(Merge.objects.order_by("id").values_list("id", "undone_at")),
        list(CandidatePair.objects.order_by("id").values_list("id", "status", "verdict")),
        Judgement.objects.count(),
        ResolutionRun.objects.count(),
        ImportJob.objects.count(),
        SavedChart.objects.count(),
        list(EntityRecord.objects.order_by("id").values_list("entity_id", "canonical_id")),
        list(Tip.objects.order_by("id").values_list("id", "status", "priority")),
        list(Report.objects.order_by("id").values_list("id", "status", "priority")),
        Message.objects.count(),
        *(area.fingerprint() for area in AREAS),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.fixture
def world(db: Any, settings: Any) -> World:
    return _build_world(settings)


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


@dataclass
class Tally:
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str, response: Any) -> None:
        self.requests += 1
        if not ok:
            self.failures.append(f"{what} -> {response.status_code}")


def test_authorization_matrix(world: World, client: Any) -> None:
    from django.test import Client

    tally = Tally()
    # anonymous
    for key, rule in sorted(RULES.items()):
        response = _request(client, key, rule, world, {})
        api = not key.startswith("web ")
        if rule.access == PUBLIC:
            ok = response.status_code < 500
        elif rule.access == SECRET:
            # no secret, then a wrong one in each place a gateway may put it: all 404
            wrong = world.params["secret"]
            ok = response.status_code == 404 and all(
                _request(client, key, rule, world, header).status_code == 404
                for header in (
                    {"X-Usalama-Gateway-Secret": wrong},
                    {"Authorization": f"Bearer {wrong}"},
                )
            )
        elif rule.access == PEER:
            # no token, then a user-looking bearer token that is no peer's: refused, never 5xx
            ok = response.status_code in (401, 403) and _request(
                client, key, rule, world, {"Authorization": f"Bearer {world.params['secret']}"}
            ).status_code in (401, 403)
        elif api:
            ok = response.status_code == 401
        else:
            ok = _is_login_redirect(response)
        tally.check(ok, f"anonymous {key}", response)

    before = fingerprint()
    for context in ("foreign", "granted", "own"):
        if context == "own":
            assert fingerprint() == before, "a foreign or granted request changed something"
        for role in ROLES:
            user = world.users[(role, context)]
            web = Client()
            sign_in(web, user)
            bearer = {"Authorization": f"Bearer {world.tokens[(role, context)]}"}
            for key, rule in sorted(RULES.items()):
                if rule.access in (PUBLIC, SECRET, PEER) or key in ("web POST logout/",):
                    continue
                if rule.access in (SIGNED_IN, SENSOR) and context != "own":
                    continue  # no agency's object in the path: the context changes nothing
                api = not key.startswith("web ")
                response = _request(
                    Client() if api else web, key, rule, world, bearer if api else {}
                )
                what = f"{role}@{context} {key}"
                status = response.status_code
                tally.check(status < 500, what, response)
                if rule.access == READ and context == "foreign":
                    tally.check(status in (403, 404), what, response)
                if rule.access == WRITE and context in ("foreign", "granted"):
                    tally.check(status in (403, 404), what, response)
                if rule.access == ADMIN and role not in ("agency_admin", "system_admin"):
                    tally.check(status in (403, 404), what, response)
                if rule.access == SENSOR:
                    tally.check(status == 403, what, response)  # a person's token: refused
    # a sensor token: every API row but its own refuses it (403; 401/404 where the row has no
    # token auth), pages ignore it (login), and nothing changes until its own row runs
    # (public rows, which anyone may call, are left out)
    sensor = {"Authorization": f"Bearer {world.params['sensor_token']}"}
    before = fingerprint()
    for key, rule in sorted(RULES.items(), key=lambda item: item[1].access == SENSOR):
        if rule.access == PUBLIC:
            continue
        if rule.access == SENSOR:
            assert fingerprint() == before, "a sensor token changed something"
        api = not key.startswith("web ")
        response = _request(Client(), key, rule, world, sensor)
        what = f"sensor token {key}"
        status = response.status_code
        if rule.access == SENSOR:
            tally.check(status == 201, what, response)
        elif api or rule.access in (SECRET, PEER):
            tally.check(status in (401, 403, 404), what, response)
        else:
            tally.check(_is_login_redirect(response), what, response)
    endpoints = len(RULES)
    print(
        f"\nauthorization matrix: {endpoints} endpoints x {len(ROLES)} roles x "
        f"{len(CONTEXTS)} contexts + anonymous = {tally.requests} checks, "
        f"{len(tally.failures)} failures"
    )
    assert not tally.failures, "\n".join(tally.failures[:80])
