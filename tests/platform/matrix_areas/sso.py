"""Authorization-matrix rows for single sign-on (accounts/sso.py, web/sso.py).

Both routes are public by nature (they are how a user signs in). Anonymous requests must not
5xx: the start of an unknown provider is a 404, a callback without a state of this session is
refused back to the login page (and audited).
"""

from __future__ import annotations

from typing import Any

from tests.platform.matrix_support import PUBLIC, AreaContext, Rule

RULES: dict[str, Rule] = {
    "web GET login/sso/callback/": Rule(PUBLIC, query={"code": "c", "state": "not-ours"}),
    "web GET login/sso/<slug:slug>/": Rule(PUBLIC, rename={"slug": "sso_slug"}),
}
POST_ONLY_VIEWS: set[str] = set()
GET_AND_POST_VIEWS: set[str] = set()


def build(context: AreaContext) -> dict[str, str]:
    return {"sso_slug": "no-such-provider"}


def fingerprint() -> list[Any]:
    from usalama.accounts.models import ExternalIdentity

    return [ExternalIdentity.objects.count()]
