"""Defect 12: `make install` looked stuck for 3 minutes while PyICU compiled without output.

It now announces each step and says, before the long build, why it takes long. (PyICU is a
hard dependency of normality 3, which FollowTheMoney 4 and rigour require for transliterating
names; it is published only as source, so it cannot be skipped without losing the name rules'
accuracy — see docs/install.md.)
"""

from __future__ import annotations

from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def _recipe(target: str) -> list[str]:
    lines = MAKEFILE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(target + ":"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_install_announces_its_steps_before_the_long_build() -> None:
    recipe = _recipe("$(VENV)/.installed")
    sync = next(i for i, line in enumerate(recipe) if "$(UV) sync" in line)
    notes = " ".join(line for line in recipe[:sync] if line.startswith("@echo"))
    assert "[1/2]" in notes and "PyICU" in notes and "not stuck" in notes
    assert any("[2/2]" in line for line in _recipe("node_modules/.installed"))
