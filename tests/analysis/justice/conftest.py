"""The money engine tests need no Django.

The root ``tests/conftest.py`` has an autouse fixture that asks for pytest-django's
``settings``; this stand-in lets these tests also run with ``-p no:django``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def settings() -> SimpleNamespace:
    return SimpleNamespace()
