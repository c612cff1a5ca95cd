"""Count what the authorization matrix covers: endpoints by access kind, API vs pages, and the
endpoint × role × context cells it checks (docs/security.md, "Figures of one run").

    USALAMA_VAR_DIR=$(mktemp -d) .venv/bin/python scripts/matrix_figures.py
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usalama.settings")


def main() -> None:
    import django

    django.setup()
    from tests.platform import test_authorization_matrix as matrix
    from tests.platform.matrix_support import CONTEXTS, PEER, PUBLIC, ROLES, SECRET, SIGNED_IN

    rules = matrix.RULES
    kinds = Counter(rule.access for rule in rules.values())
    api = sum(1 for key in rules if not key.startswith("web "))
    signed = [k for k, r in rules.items() if r.access not in (PUBLIC, SECRET, PEER)]
    per_role = sum(1 if rules[k].access == SIGNED_IN else len(CONTEXTS) for k in signed)
    print(
        f"endpoints: {len(rules)} ({api} API operations, {len(rules) - api} page routes x method)"
    )
    print("by access kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(
        f"signed-in cells: {len(signed)} endpoints x {len(ROLES)} roles "
        f"(x {len(CONTEXTS)} contexts unless signed_in) = {per_role * len(ROLES)} requests; "
        f"anonymous: {len(rules)} requests"
    )


if __name__ == "__main__":
    main()
