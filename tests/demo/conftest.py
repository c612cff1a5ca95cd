from __future__ import annotations

import pytest

from usalama.demo import DemoWorld, generate_world


@pytest.fixture(scope="session")
def world() -> DemoWorld:
    return generate_world(seed=7, people=5000)
