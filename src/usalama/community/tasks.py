"""django-tasks entry point: send an approved alert (resumable: nothing is sent twice)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_alert_task(alert_id: int) -> None:
    from usalama.community.services import send_alert

    send_alert(alert_id)
