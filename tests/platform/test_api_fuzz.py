"""Schemathesis over the OpenAPI schema, in CI (issue #20): no 5xx, answers match the schema.

Every operation of ``usalama.api.main.api`` gets a bounded number of generated requests
(``USALAMA_FUZZ_EXAMPLES``, default 25) through the WSGI application, signed in with an
API token of the owning agency's analyst in the authorization matrix's world, so the
generated requests reach the services and not only the 401 gate. Failures are collected
over every operation and reported together.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("USALAMA_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def fuzz_world(db: Any, settings: Any) -> Any:
    from tests.platform.test_authorization_matrix import _build_world

    settings.USALAMA_GATEWAY_SECRET = ""
    return _build_world(settings)


def test_schemathesis_finds_no_5xx_and_answers_match_the_schema(fuzz_world: Any) -> None:
    import schemathesis
    from django.core import signals
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
    )

    from usalama.wsgi import application

    token = fuzz_world.tokens[("analyst", "own")]
    headers = {"Authorization": f"Bearer {token}"}
    # The test runs in one transaction; Django would close its connection around each request
    # (as its own test client, stop that for the duration).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        operations = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                response = case.call(headers=headers)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(
                        response,
                        checks=[
                            not_a_server_error,
                            response_schema_conformance,
                            content_type_conformance,
                        ],
                        headers=headers,
                    )
                except Exception as failure:  # schemathesis raises its own FailureGroup
                    # called right below, inside this iteration: the loop variable is current
                    failures.append(f"{operation.label}: {str(failure)[:300]}")  # noqa: B023

            call()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    requests = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    print(  # the figures docs/security.md quotes
        f"\nschemathesis: {operations} operations, {requests} requests, {server_errors} 5xx, "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    assert operations >= 40
    assert not failures, "\n".join(sorted(set(failures))[:40])
