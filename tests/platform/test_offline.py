"""Offline completeness: no page loads a script, style, image, font or frame from another host.

Every URL pattern without parameters is opened as several roles (plus each entry of their
menu), and each HTML answer is parsed for subresources. Plain ``<a href>`` links (to a licence
or an attribution) are allowed; ``<link rel=stylesheet|icon|preload…>``, ``<script src>``,
``<img>``, ``<iframe>``, ``<source>``, CSS ``url()`` and ``@import`` must stay on this host.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.platform.test_administration import PASSWORD, log_in
from usalama.accounts import services as accounts
from usalama.accounts.models import Agency
from usalama.audit.services import Actor

pytestmark = pytest.mark.django_db

_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
_LOADING_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
    "shortcut",
}


class _Subresources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and set(a.get("rel", "").lower().split()) & _LOADING_RELS:
            self.found.append(a.get("href", ""))
        elif tag in {
            "script",
            "img",
            "iframe",
            "embed",
            "source",
            "audio",
            "video",
            "track",
            "input",
        }:
            self.found.append(a.get("src", ""))
        elif tag == "object":
            self.found.append(a.get("data", ""))
        if tag in {"img", "source"} and a.get("srcset"):
            self.found.extend(part.split()[0] for part in a["srcset"].split(",") if part.strip())
        if a.get("style"):
            self.found.extend(_CSS_URL.findall(a["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(_CSS_URL.findall(data))


def external_loads(html: str) -> list[str]:
    parser = _Subresources()
    parser.feed(html)
    return [url for url in parser.found if url and _EXTERNAL.match(url)]


def test_the_checker_catches_what_it_must() -> None:
    bad = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//x/y.css">'
        '<img src="http://tiles/1.png"><iframe src="https://e"></iframe>'
        '<style>@import "https://fonts/x.css"; b{background:url(https://i/b.png)}</style>'
    )
    assert len(external_loads(bad)) == 6
    fine = (
        '<a href="https://opendatacommons.org/licenses/odbl/">ODbL</a><script src="/static/a.js">'
    )
    assert external_loads(fine) == []


def _plain_paths() -> list[str]:
    """Every URL pattern that takes no parameter."""
    paths: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if "<" not in route and "(?P" not in route:
                    walk(entry.url_patterns, prefix + route.lstrip("^"))
            elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
                full = "/" + (prefix + route).lstrip("^").rstrip("$").replace("\\Z", "")
                if "\\" not in full and not full.startswith(("/admin/", "/i18n/", "/logout")):
                    paths.append(full)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


_SKIP_LINK = ("/logout", "/admin/", "/i18n/", "/api/", "/static/")


def _links(responses: dict[str, Any]) -> set[str]:
    """Same-host page links (``<a href="/…">``) in the HTML answers, without their query."""
    found: set[str] = set()
    for response in responses.values():
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if getattr(response, "streaming", False):
            continue
        for href in re.findall(r'<a [^>]*href="(/[^"#?]*)', response.content.decode()):
            if not href.startswith(_SKIP_LINK) and not href.endswith((".csv", ".json")):
                found.add(href)
    return found


def test_api_docs_load_their_assets_locally(client: Client, world: Any) -> None:
    log_in(client, "nps.analyst")
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert external_loads(html) == []


@pytest.mark.parametrize(
    "username", ["nps.analyst", "sysadmin", "dci.admin", "ipoa.investigator", "nps.wellness"]
)
def test_no_page_loads_from_another_host(client: Client, world: Any, username: str) -> None:
    actor = Actor(name="test")
    ipoa = accounts.ensure_agency(
        actor,
        code="IPOA",
        name="Independent Policing Oversight Authority",
        country="KE",
        kind="oversight",
    )
    accounts.create_user(
        actor,
        username="dci.admin",
        agency=Agency.objects.get(code="DCI"),
        roles=["agency_admin"],
        password=PASSWORD,
    )
    accounts.create_user(
        actor,
        username="ipoa.investigator",
        agency=ipoa,
        roles=["oversight_investigator"],
        password=PASSWORD,
    )
    anonymous = {p: Client().get(p) for p in ["/login/", "/report/"]}
    log_in(client, username)
    menu = re.findall(r'data-menu="[^"]+"', client.get("/").content.decode())
    assert menu, "the menu must not be empty"
    checked = 0
    offenders: dict[str, list[str]] = {}
    responses = {p: client.get(p) for p in _plain_paths()}
    # then one level of the links those pages offer (entity pages, accounts, users, …)
    for linked in sorted(_links(responses))[:80]:
        if linked not in responses:
            responses[linked] = client.get(linked)
    for path, response in [*anonymous.items(), *responses.items()]:
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if getattr(response, "streaming", False):
            continue
        checked += 1
        loads = external_loads(response.content.decode())
        if loads:
            offenders[path] = loads
    assert checked >= 10
    assert offenders == {}
