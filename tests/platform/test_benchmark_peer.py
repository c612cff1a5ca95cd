"""The load benchmark's bare peer view exists only under ``usalama.benchmark_settings``."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_a_normal_deployment_has_no_bare_view(db: Any) -> None:
    assert (
        Client().post("/benchmark/bare/", b"{}", content_type="application/json").status_code == 404
    )


def test_the_benchmark_urls_add_the_bare_view_to_every_normal_url(db: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "usalama.benchmark_urls"
    client = Client()
    response = client.post("/benchmark/bare/", b'{"a": 1}', content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/report/?lang=en").status_code == 200


def test_the_benchmark_settings_change_only_the_url_conf() -> None:
    from usalama import benchmark_settings, settings

    differing = {
        name
        for name in dir(settings)
        if name.isupper() and getattr(settings, name) != getattr(benchmark_settings, name)
    }
    assert differing == {"ROOT_URLCONF"}
