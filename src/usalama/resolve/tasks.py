"""django-tasks entry points of the resolve app (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_resolution_task(run_id: int) -> None:
    from usalama.resolve.runs import run_job

    run_job(run_id)
