"""The federation endpoint a peer installation calls: ``POST /federation/hitcheck``.

Not a user endpoint: the caller is a peer, known by the token we issued it
(``usalama federation token``) and by the Ed25519 signature over the request body.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from usalama.core.errors import AuthenticationRequired
from usalama.sharing import federation

router = Router(tags=["federation"], auth=None)


@router.post("/federation/hitcheck")
def hitcheck(request: HttpRequest) -> dict[str, Any]:
    """Answer a peer's private set intersection request (it learns which of its identifiers
    we hold; we learn only how many it asked about). Rate-limited per peer; audited with
    counts only."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise AuthenticationRequired("send the peer token as 'Authorization: Bearer <token>'")
    signature = request.headers.get("X-Usalama-Signature", "")
    return federation.answer_hitcheck(header[len("Bearer ") :].strip(), request.body, signature)
