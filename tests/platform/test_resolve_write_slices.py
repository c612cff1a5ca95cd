"""Defect 8: a login failed with "database is locked" (SQLite) while a resolution run wrote
all its candidate pairs in one transaction, holding the one write lock for 20 s and more.

A run now writes pairs and statuses in short transactions: this test counts the candidate-pair
rows each transaction writes while a run works, and a login between two slices succeeds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.platform.test_resolve_app import demo  # noqa: F401 - the demo world fixture
from usalama.resolve import services, storing
from usalama.resolve.models import CandidatePair, PairStatus

pytestmark = pytest.mark.django_db


def test_a_run_writes_its_pairs_in_short_transactions(
    demo: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(storing, "WRITE_SLICE", 5)
    base = len(connection.atomic_blocks)  # the test's own transaction
    rows_per_transaction: dict[int, int] = defaultdict(int)
    transactions: list[Any] = []  # kept alive so that no two get the same key

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statement = sql.lstrip().upper()
        if '"RESOLVE_CANDIDATEPAIR"' in statement and statement.startswith(("INSERT", "UPDATE")):
            outer = 0  # autocommit
            if len(connection.atomic_blocks) > base:
                block = connection.atomic_blocks[base]
                if not any(block is known for known in transactions):
                    transactions.append(block)
                outer = next(i for i, k in enumerate(transactions, 1) if k is block)
            if statement.startswith("INSERT"):
                columns = statement.split(")", 1)[0].count(",") + 1
                rows = len(params) // columns
            else:  # bulk_update: ... WHERE "id" IN (%s, %s, ...)
                rows = statement.rsplit(" IN (", 1)[-1].count("%S")
            rows_per_transaction[outer] += rows
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = services.run_resolution(demo["dci"], demo["keys"])
    assert result.candidates >= 20
    assert 0 not in rows_per_transaction or rows_per_transaction[0] == 0
    assert len(rows_per_transaction) >= 4, "the pairs were written in one transaction"
    assert max(rows_per_transaction.values()) <= 5
    queue = CandidatePair.objects.filter(status=PairStatus.REVIEW).count()
    assert queue == result.queued


def test_login_between_slices_of_a_run(
    demo: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    client: Client,
) -> None:
    """A login made while a run is between two write slices goes through."""
    from tests.platform.test_administration import PASSWORD, log_in
    from usalama.accounts.models import User

    user = User.objects.get(username="nps.analyst")
    user.set_password(PASSWORD)
    user.save()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    monkeypatch.setattr(storing, "WRITE_SLICE", 50)
    seen: list[bool] = []
    original = storing._slices

    def slices_with_a_login(items: list[Any]) -> list[list[Any]]:
        batches = original(items)
        if batches and not seen:
            # between slices the run holds no transaction of its own
            seen.append(len(connection.atomic_blocks) <= 1)
            log_in(client, "nps.analyst")
        return batches

    monkeypatch.setattr(storing, "_slices", slices_with_a_login)
    services.run_resolution(demo["dci"], demo["keys"])
    assert seen == [True]
