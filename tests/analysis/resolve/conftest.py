"""The engine needs no Django: stand in for pytest-django's ``settings`` fixture, which the
root conftest's autouse fixture asks for, so these tests also run with ``-p no:django``."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def settings() -> SimpleNamespace:
    return SimpleNamespace()
