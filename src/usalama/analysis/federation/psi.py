"""Hit/no-hit by private set intersection (ECDH-PSI from OpenMined's ``openmined-psi``).

The asking side (client) learns which of *its* identifiers the answering side (server)
holds; the server learns only how many the client asked about. The server's encrypted set
(the "setup", sorted, under the server's secret key) depends only on its own data, so it is
computed once and reused until the data changes or the key is rotated; each request then
costs one pass over the client's identifiers on each side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import private_set_intersection.python as psi

# The RAW structure (a sorted list of encrypted server items) has no false positives.
_FPR = 1e-9


@dataclass(frozen=True)
class ServerSet:
    key: bytes
    setup: bytes  # serialized ServerSetup protobuf
    size: int


def build_server_set(items: Sequence[str], key: bytes | None = None) -> ServerSet:
    server = psi.server.CreateFromKey(key, True) if key else psi.server.CreateWithNewKey(True)
    setup = server.CreateSetupMessage(_FPR, 1, list(items), psi.DataStructure.RAW)
    return ServerSet(bytes(server.GetPrivateKeyBytes()), setup.SerializeToString(), len(items))


def answer(server_set: ServerSet, request: bytes) -> tuple[bytes, int]:
    """The server's answer to a client's blinded request, and how many items it held."""
    parsed = psi.Request()
    parsed.ParseFromString(request)
    server = psi.server.CreateFromKey(server_set.key, True)
    response = server.ProcessRequest(parsed)
    return response.SerializeToString(), len(parsed.encrypted_elements)


class Asker:
    """The client side of one check: blind our items, then read the intersection."""

    def __init__(self, items: Sequence[str]) -> None:
        self.items = list(items)
        self._client = psi.client.CreateWithNewKey(True)

    def request(self) -> bytes:
        return bytes(self._client.CreateRequest(self.items).SerializeToString())

    def hits(self, setup: bytes, response: bytes) -> list[str]:
        parsed_setup = psi.ServerSetup()
        parsed_setup.ParseFromString(setup)
        parsed_response = psi.Response()
        parsed_response.ParseFromString(response)
        indices = self._client.GetIntersection(parsed_setup, parsed_response)
        return sorted({self.items[i] for i in indices})
