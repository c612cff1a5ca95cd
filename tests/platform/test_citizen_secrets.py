"""Secrets at rest and finding 5 (issue #20): contact details encrypted with keys kept
outside the data directory; phone-hash windows that cannot be matched to a gateway's log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.platform.intake_helpers import configure
from usalama.accounts import sealing
from usalama.intake import codes, services
from usalama.intake.models import Channel, PhoneHash, Report, Tip

pytestmark = pytest.mark.django_db
NAME, PHONE, EMAIL = "Wanjiku Kamau", "+254712345678", "wanjiku@example.org"


@pytest.fixture
def keys(settings: Any, tmp_path: Path) -> Path:
    configure(settings)
    settings.USALAMA_KEYS_DIR = tmp_path / "keys"
    settings.USALAMA_FIELD_KEYS = ""
    settings.USALAMA_PHONE_HMAC_KEY = ""
    return Path(settings.USALAMA_KEYS_DIR)


def _report() -> Report:
    data = services.SubmissionInput(category="robbery", description="Duka", channel=Channel.WEB)
    contact = services.Contact(name=NAME, phone=PHONE, email=EMAIL)
    return services.submit_report(data, contact=contact)


def _raw(report: Report) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_name, contact_phone, contact_email FROM intake_report WHERE id = %s",
            [report.pk],
        )
        row = cursor.fetchone()
    return tuple(str(v) for v in row)  # type: ignore[return-value]


def test_contact_details_are_encrypted_in_the_database(keys: Path) -> None:
    report = _report()
    raw = _raw(report)
    for value, secret in zip(raw, (NAME, "254712345678", EMAIL), strict=True):
        assert value.startswith(sealing.TOKEN_PREFIX)
        assert secret not in value and "Wanjiku" not in value
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.contact_name, fresh.contact_phone, fresh.contact_email) == (
        NAME,
        "254712345678",
        EMAIL,
    )
    # the key is a file outside the data directory, readable by the owner only
    key_file = keys / sealing.FIELD_KEYS_FILE
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    from django.conf import settings

    assert not key_file.resolve().is_relative_to(Path(settings.VAR_DIR).resolve())


def test_a_copied_database_without_the_keys_reveals_nothing(
    keys: Path, settings: Any, tmp_path: Path
) -> None:
    report = _report()
    settings.USALAMA_KEYS_DIR = tmp_path / "other-machine"  # the thief's: new, empty keys
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        Report.objects.get(pk=report.pk)


def test_rotation_reencrypts_everything_and_drops_the_old_key(keys: Path) -> None:
    report = _report()
    before = _raw(report)
    old_keys = sealing.field_keys()
    values, dropped = sealing.rotate()
    assert values >= 3 and dropped == 1
    after = _raw(report)
    assert all(a != b for a, b in zip(before, after, strict=True))
    new_keys = sealing.field_keys()
    assert len(new_keys) == 1 and new_keys[0] not in old_keys
    assert Report.objects.get(pk=report.pk).contact_name == NAME


def test_plaintext_of_before_is_sealed_by_the_migration_step(keys: Path) -> None:
    report = _report()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE intake_report SET contact_name = %s WHERE id = %s", ["Old Name", report.pk]
        )
    assert Report.objects.get(pk=report.pk).contact_name == "Old Name"  # still readable
    from importlib import import_module

    from django.apps import apps

    migration = import_module("usalama.intake.migrations.0004_encrypted_contact")
    migration.seal_existing(apps, None)
    assert _raw(report)[0].startswith(sealing.TOKEN_PREFIX)
    assert Report.objects.get(pk=report.pk).contact_name == "Old Name"


def test_keys_inside_the_data_directory_are_refused_at_start(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "USALAMA_VAR_DIR": str(tmp_path / "var"),
        "USALAMA_KEYS_DIR": str(tmp_path / "var" / "keys"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "usalama.cli", "keys", "where"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "is inside the data directory" in result.stderr
    env["USALAMA_KEYS_DIR"] = str(tmp_path / "elsewhere")
    fine = subprocess.run(
        [sys.executable, "-m", "usalama.cli", "keys", "where"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fine.returncode == 0, fine.stderr
    assert "elsewhere" in fine.stdout and "key:" not in fine.stdout.split("directory")[0]


def test_the_phone_window_starts_on_the_hour(keys: Path) -> None:
    services.check_phone(PHONE)
    row = PhoneHash.objects.get()
    assert (row.window_start.minute, row.window_start.second, row.window_start.microsecond) == (
        0,
        0,
        0,
    )
    assert PHONE.lstrip("+") not in row.digest


def test_codes_and_leaders_from_before_the_key_moved_still_work(keys: Path, settings: Any) -> None:
    # a tip stored when the bucket key was derived from SECRET_KEY (in the data directory)
    canonical = "1" * 25
    legacy = services._derive(settings.SECRET_KEY, "tip-bucket")
    tip = Tip.objects.create(
        category="robbery",
        description="old tip",
        channel=Channel.SMS,
        agency_id=services.intake_agency_id(),
        code_bucket=codes.bucket(legacy, canonical),
        code_hash=codes.hash_code(canonical),
    )
    from usalama.intake import throttle

    found = services.find_tip(codes.format_code(canonical), client=throttle.Client("t"))
    assert found.pk == tip.pk
