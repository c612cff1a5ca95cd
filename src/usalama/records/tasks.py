"""django-tasks entry points of the records app (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_job(job_id: int) -> None:
    from usalama.records.jobs import run_job

    run_job(job_id)
