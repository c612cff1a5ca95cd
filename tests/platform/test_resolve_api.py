"""The resolve API's runs: queue one, poll it; roles and agencies gate both."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_start_and_poll_a_run(client: Client, world: Any, token_for: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    analyst = {"Authorization": f"Bearer {token_for('nps.analyst')}"}
    started = client.post(
        "/api/v1/resolve/runs", {}, content_type="application/json", headers=analyst
    )
    assert started.status_code == 200, started.content
    run = started.json()
    assert run["status"] == "done" and run["step"] == run["steps"]
    assert set(run["counts"]) == {"person", "organization", "identifier"}
    polled = client.get(f"/api/v1/resolve/runs/{run['id']}", headers=analyst)
    assert polled.status_code == 200 and polled.json()["id"] == run["id"]
    # another agency's user cannot see it; a prosecutor may not start one
    other = {"Authorization": f"Bearer {token_for('dci.analyst')}"}
    assert client.get(f"/api/v1/resolve/runs/{run['id']}", headers=other).status_code == 404
    prosecutor = {"Authorization": f"Bearer {token_for('odpp.prosecutor')}"}
    refused = client.post(
        "/api/v1/resolve/runs", {}, content_type="application/json", headers=prosecutor
    )
    assert refused.status_code == 403
