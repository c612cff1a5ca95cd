"""Records pages: web import through a background job, its progress and error report, the
collections page with exports, the one gate (404) and the upload size guard."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.platform.importing import GOAML, counts

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 42"
PEOPLE_CSV = (
    "id,name,born\n1,Achieng Otieno,1990-01-02\n2,Brian Kiprop,not a date\n"
    "3,Chebet Mutai,1985-05-05\n"
)
MAPPING = """
entities:
  p:
    schema: Person
    keys: [id]
    properties:
      name: {column: name}
      birthDate: {column: born}
"""


def _login(client: Client, username: str) -> Client:
    client.post("/login/", {"username": username, "password": PASSWORD})
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/otp/", {"token": code}).status_code == 302
    return client


def _file(name: str, text: str | bytes) -> io.BytesIO:
    data = io.BytesIO(text.encode() if isinstance(text, str) else text)
    data.name = name
    return data


def _new_collection_form(key: str, **extra: Any) -> dict[str, Any]:
    return {
        "collection": "new",
        "new_key": key,
        "new_label": "Suspects from a spreadsheet",
        "reliability": "B",
        "assessment": "2",
        "handling": "H1",
        "tlp": "AMBER",
        "format": "",
        **extra,
    }


@pytest.fixture
def queued_tasks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real database backend: jobs wait in the queue until a worker runs them.

    db_worker closes "old" connections between tasks; inside a test's transaction on
    PostgreSQL that would close the test's own connection, so it is switched off here.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    monkeypatch.setattr("usalama.records.worker.close_old_connections", lambda: None)


def _run_worker() -> None:
    """What `usalama worker --batch` does: resume abandoned tasks, run the queue, stop."""
    from usalama.records.worker import run_worker

    run_worker(interval=0, batch=True)


def test_upload_runs_as_a_job_with_counts_and_error_report(
    client: Client, world: Any, queued_tasks: None
) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.records.models import Collection, ImportJob

    _login(client, "nps.analyst")
    page = client.get("/records/imports/")
    assert page.status_code == 200 and "NPS incident records" in page.content.decode()
    assert "DCI intelligence" not in page.content.decode()
    form = _new_collection_form(
        "nps-suspects",
        file=_file("people.csv", PEOPLE_CSV),
        mapping=_file("people.yml", MAPPING),
    )
    response = client.post("/records/imports/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get()
    assert response["Location"] == f"/records/imports/{job.pk}/"
    collection = Collection.objects.get(key="nps-suspects")
    assert collection.agency.code == "NPS" and (collection.reliability, collection.handling) == (
        "B",
        "H1",
    )
    queued = client.get(f"/records/imports/{job.pk}/").content.decode()
    assert "Queued" in queued and 'hx-trigger="every 2s"' in queued and "http-equiv" in queued

    _run_worker()

    job.refresh_from_db()
    assert job.status == "done", job.message
    assert (job.entities, job.error_count) == (2, 1)
    assert counts("nps-suspects")[0] == 2
    fragment = client.get(f"/records/imports/{job.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith("<section") and "hx-trigger" not in body
    assert 'id="count-entities">2<' in body and 'id="count-rejected">1<' in body
    assert f"/records/imports/{job.pk}/errors.csv" in body
    report = client.get(f"/records/imports/{job.pk}/errors.csv")
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.content.decode())))
    assert [(r["row"], r["field"]) for r in rows] == [("row 3", "born")]
    assert "not a valid date" in rows[0]["reason"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"records.import.queued", "records.import", "records.import.errors"} <= actions
    listing = client.get("/records/imports/").content.decode()
    assert f"/records/imports/{job.pk}/" in listing and "people.csv" in listing


def test_import_into_an_existing_collection_of_ones_own(
    client: Client, world: Any, queued_tasks: None
) -> None:
    from usalama.records.models import ImportJob

    _login(client, "nps.analyst")
    nps = world["collections"]["nps"]
    with (GOAML / "str_sample.xml").open("rb") as upload:
        response = client.post(
            "/records/imports/", {"collection": str(nps.pk), "file": upload, "format": ""}
        )
    assert response.status_code == 302
    _run_worker()
    job = ImportJob.objects.get()
    assert job.status == "done" and job.collection_id == nps.pk and job.statements_added > 0


def test_form_errors_are_shown_and_nothing_is_queued(client: Client, world: Any) -> None:
    from usalama.records.models import Collection, ImportJob

    _login(client, "nps.analyst")
    no_mapping = client.post(
        "/records/imports/", _new_collection_form("x1", file=_file("a.csv", PEOPLE_CSV))
    )
    assert no_mapping.status_code == 400 and "needs a mapping" in no_mapping.content.decode()
    bad_mapping = client.post(
        "/records/imports/",
        _new_collection_form(
            "x1", file=_file("a.csv", PEOPLE_CSV), mapping=_file("m.yml", b"\xff\xfe\x00bad")
        ),
    )
    assert bad_mapping.status_code == 400 and "not UTF-8" in bad_mapping.content.decode()
    taken = client.post(  # DCI holds this name: refused without saying who holds it
        "/records/imports/",
        _new_collection_form(
            "dci-intel", file=_file("a.csv", PEOPLE_CSV), mapping=_file("m.yml", MAPPING)
        ),
    )
    assert taken.status_code == 400 and "cannot be used" in taken.content.decode()
    assert "DCI" not in taken.content.decode().split("<main>")[1].split("Imports by")[0]
    other = world["collections"]["dci"]
    forged = client.post(
        "/records/imports/",
        {"collection": str(other.pk), "file": _file("a.json", "{}"), "format": "ftm"},
    )
    # another agency's collection: not visible, so 404 like a missing one, and audited
    # (issue #20: refused writes are recorded under the acting user)
    assert forged.status_code == 404
    from usalama.audit.models import AuditEvent

    refused = AuditEvent.objects.get(action="access.refused", actor="nps.analyst")
    assert refused.details["attempted"] == "records.import"
    assert not ImportJob.objects.exists() and not Collection.objects.filter(key="x1").exists()


def test_another_agency_gets_404_on_job_errors_and_export(
    client: Client, world: Any, queued_tasks: None
) -> None:
    from usalama.records.models import ImportJob

    nps_client = _login(Client(), "nps.analyst")
    form = _new_collection_form(
        "nps-own", file=_file("p.csv", PEOPLE_CSV), mapping=_file("m.yml", MAPPING)
    )
    assert nps_client.post("/records/imports/", form).status_code == 302
    job = ImportJob.objects.get()
    _login(client, "dci.analyst")
    nps = world["collections"]["nps"]
    for path in [
        f"/records/imports/{job.pk}/",
        f"/records/imports/{job.pk}/errors.csv",
        f"/records/collections/{nps.pk}/export/?format=csv",
    ]:
        assert client.get(path).status_code == 404, path
    assert "people" not in client.get("/records/imports/").content.decode()
    wellness = _login(Client(), "nps.wellness")  # a role that reads no records
    assert wellness.get("/records/").status_code == 404
    assert wellness.get(f"/records/imports/{job.pk}/").status_code == 404


def test_oversize_upload_is_refused_and_nothing_stored(
    client: Client, world: Any, settings: Any, tmp_path: Path
) -> None:
    from usalama.records.models import Collection, ImportJob

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    settings.USALAMA_MAX_UPLOAD_BYTES = 10_000
    _login(client, "nps.analyst")
    # Just over the limit: the declared length is within the slack, so the guard must stop
    # the file as it streams in.
    big = PEOPLE_CSV + "4,Daudi Mwangi,1970-07-07\n" * 600
    form = _new_collection_form("too-big", file=_file("big.csv", big), mapping=_file("m", MAPPING))
    response = client.post("/records/imports/", form)
    assert response.status_code == 413
    assert "larger than the upload limit" in response.content.decode()
    # Far over: refused from the declared length alone.
    settings.USALAMA_MAX_UPLOAD_BYTES = 1000
    huge = _file("huge.json", b"x" * (2 * 1024 * 1024))
    response = client.post("/records/imports/", _new_collection_form("too-big", file=huge))
    assert response.status_code == 413
    assert not ImportJob.objects.exists() and not Collection.objects.filter(key="too-big").exists()
    assert not any((tmp_path / "media").rglob("*")) and not any((tmp_path / "tmp").iterdir())


def test_collections_page_and_exports(client: Client, world: Any) -> None:
    from usalama.audit.models import AuditEvent

    _login(client, "nps.analyst")
    page = client.get("/records/").content.decode()
    assert "NPS incident records" in page and "DCI intelligence" not in page
    nps = world["collections"]["nps"]
    for fmt in ["ftm", "csv", "geojson"]:
        response = client.get(f"/records/collections/{nps.pk}/export/", {"format": fmt})
        assert response.status_code == 200, fmt
        assert 'filename="nps-incidents.' in response["Content-Disposition"]
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        if fmt == "ftm":
            assert {json.loads(line)["id"] for line in body.splitlines()} >= {"nps-p1", "nps-c1"}
        elif fmt == "csv":
            assert body.startswith("id,schema,caption") and "Mohamed Abdi Hassan" in body
        else:
            assert json.loads(body)["type"] == "FeatureCollection"
    assert AuditEvent.objects.filter(action="export").count() == 3
    bad = client.get(f"/records/collections/{nps.pk}/export/", {"format": "xml"})
    assert bad.status_code == 404


def test_h2_export_is_refused_for_a_non_originator(client: Client, world: Any) -> None:
    from usalama.audit.models import AuditEvent
    from usalama.records.models import CollectionGrant

    dci = world["collections"]["dci"]  # handled H2
    CollectionGrant.objects.create(collection=dci, agency=world["agencies"]["ODPP"], granted_by="t")
    _login(client, "odpp.prosecutor")
    page = client.get("/records/").content.decode()
    assert "DCI intelligence" in page and "only DCI may export" in page
    assert f"/records/collections/{dci.pk}/export/" not in page
    refused = client.get(f"/records/collections/{dci.pk}/export/", {"format": "csv"})
    assert refused.status_code == 403 and refused["Content-Type"].startswith("text/html")
    assert "only DCI may export" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
    originator = _login(Client(), "dci.analyst")
    allowed = originator.get(f"/records/collections/{dci.pk}/export/", {"format": "csv"})
    assert allowed.status_code == 200


def test_a_killed_workers_job_is_resumed(world: Any, queued_tasks: None) -> None:
    """A task claimed by a worker process that no longer exists goes back to the queue."""
    from django_tasks_db.models import DBTaskResult

    from usalama.records import jobs
    from usalama.records.models import ImportJob
    from usalama.records.worker import worker_id

    user = world["users"]["nps.analyst"]
    nps = world["collections"]["nps"]
    with (GOAML / "str_sample.xml").open("rb") as upload:
        job = jobs.start_import_job(user, nps.pk, upload, "str.xml", 100)
    dead_pid = 2**22 + 12345  # above the kernel's pid_max default: never a live process
    DBTaskResult.objects.update(status="RUNNING", worker_ids=[worker_id(dead_pid)])
    ImportJob.objects.filter(pk=job.pk).update(status="running", phase="writing")
    elsewhere = DBTaskResult.objects.get()
    _run_worker()
    job.refresh_from_db()
    assert job.status == "done" and job.statements_added > 0
    elsewhere.refresh_from_db()
    assert elsewhere.status == "SUCCESSFUL"


def test_a_task_on_another_host_is_left_alone_while_its_lease_is_renewed(
    world: Any, queued_tasks: None, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from usalama.records import jobs
    from usalama.records.models import WorkerHeartbeat
    from usalama.records.worker import resume_abandoned

    user = world["users"]["nps.analyst"]
    with (GOAML / "str_sample.xml").open("rb") as upload:
        jobs.start_import_job(user, world["collections"]["nps"].pk, upload, "str.xml", 100)
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["some-other-host:1"])
    WorkerHeartbeat.objects.create(worker_id="some-other-host:1")
    assert resume_abandoned() == 0  # alive elsewhere: its lease is fresh
    stale = timezone.now() - timedelta(seconds=settings.USALAMA_WORKER_LEASE_SECONDS + 1)
    WorkerHeartbeat.objects.update(beat_at=stale)
    assert resume_abandoned() == 1  # its lease ran out: taken over, whatever the host
    assert DBTaskResult.objects.get().status == "READY"


def test_a_running_job_shows_phase_rows_and_rate(client: Client, world: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from usalama.records.models import ImportJob

    job = ImportJob.objects.create(
        collection=world["collections"]["nps"],
        user=world["users"]["nps.analyst"],
        file_name="big.json",
        stored_path="imports/x-big.json",
        format="ftm",
        status="running",
        phase="writing",
        rows_done=4_000,
        rows_total=10_000,
        started_at=datetime.now(tz=UTC) - timedelta(seconds=2),
    )
    _login(client, "nps.analyst")
    body = client.get(f"/records/imports/{job.pk}/", headers={"HX-Request": "true"}).content
    text = body.decode()
    assert 'hx-trigger="every 2s"' in text and "Writing records" in text
    assert '<progress max="100" value="40">' in text and "4,000 rows" in text
    assert "10,000" in text and "rows/s" in text


def test_an_upload_without_the_csrf_token_is_refused(world: Any) -> None:
    from usalama.records.models import Collection, ImportJob

    client = _login(Client(), "nps.analyst")
    client.handler.enforce_csrf_checks = True  # after logging in: the login forms need it off
    form = _new_collection_form(
        "no-csrf", file=_file("p.csv", PEOPLE_CSV), mapping=_file("m.yml", MAPPING)
    )
    assert client.post("/records/imports/", form).status_code == 403
    assert not ImportJob.objects.exists() and not Collection.objects.filter(key="no-csrf").exists()
