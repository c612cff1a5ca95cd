"""Authorization-matrix rows for the KPI layer (dashboards, targets, drill-down, review pack)
and community alerts and barazas.

Objects: a target DCI's commander set, an alert DCI's commander drafted, a baraza DCI's desk
officer scheduled with one issue. Targets, alerts and barazas belong to one agency (nothing is
granted), so ODPP and FRC both get 404 on them. The delivery-report webhook takes the gateway
secret in a header (none or a wrong one: 404); the public baraza page needs no login.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.platform.matrix_support import PUBLIC, READ, SECRET, SIGNED_IN, WRITE, AreaContext, Rule

KILIMANI = "1371"
_TARGET = {
    "indicator": "clearance_rate",
    "level": "national",
    "area": "KE",
    "period": "2026-03",
    "value": "55",
    "reason": "matrix",
}

RULES: dict[str, Rule] = {
    "web GET kpis/": Rule(SIGNED_IN),
    "web GET kpis/targets/": Rule(SIGNED_IN),
    "web POST kpis/targets/": Rule(SIGNED_IN, body=_TARGET),
    "web GET kpis/targets/<int:target_id>/": Rule(READ, rename={"target_id": "kpi_target_id"}),
    "web GET kpis/records/": Rule(
        SIGNED_IN, query={"level": "ward", "area": KILIMANI, "period": "2026-03"}
    ),
    "web GET kpis/review/": Rule(SIGNED_IN),
    "web GET kpis/review.pdf": Rule(SIGNED_IN, query={"period": "2026-03"}),
    "web POST kpis/compute/": Rule(SIGNED_IN, body={}),
    "web GET community/alerts/": Rule(SIGNED_IN),
    "web POST community/alerts/": Rule(
        SIGNED_IN,
        body={"title": "Matrix", "message_sw": "Tahadhari", "message_en": "", "wards": KILIMANI},
    ),
    "web GET community/alerts/<int:alert_id>/": Rule(
        READ, rename={"alert_id": "community_alert_id"}
    ),
    "web POST community/alerts/<int:alert_id>/decide/": Rule(
        WRITE, body={"decision": "reject", "note": "no"}, rename={"alert_id": "community_alert_id"}
    ),
    "web GET community/barazas/": Rule(SIGNED_IN),
    "web POST community/barazas/": Rule(
        SIGNED_IN,
        body={
            "ward": KILIMANI,
            "held_at": "2031-01-01T10:00",
            "place": "Chief's camp",
            "convenor": "OCS Kilimani",
        },
    ),
    "web GET community/barazas/<int:baraza_id>/": Rule(READ),
    "web POST community/barazas/<int:baraza_id>/": Rule(WRITE, body={"attendance": "40"}),
    "web POST community/barazas/<int:baraza_id>/issues/": Rule(
        WRITE, body={"text": "Street lights"}
    ),
    "web POST community/issues/<int:issue_id>/": Rule(
        WRITE,
        body={"status": "resolved", "action": "fixed"},
        rename={"issue_id": "baraza_issue_id"},
    ),
    "web POST community/webhooks/delivery-report/": Rule(
        SECRET, body={"id": "sandbox-x", "status": "Success"}
    ),
    "web GET public/barazas/": Rule(PUBLIC),
}

POST_ONLY_VIEWS = {
    "kpis/compute/",
    "community/alerts/<int:alert_id>/decide/",
    "community/barazas/<int:baraza_id>/issues/",
    "community/issues/<int:issue_id>/",
    "community/webhooks/delivery-report/",
}
GET_AND_POST_VIEWS = {
    "kpis/targets/",
    "community/alerts/",
    "community/barazas/",
    "community/barazas/<int:baraza_id>/",
}


def build(context: AreaContext) -> dict[str, str]:
    from usalama.community import services as community
    from usalama.kpis import services as kpis

    commander = context.users[("commander", "own")]
    desk = context.users[("desk_officer", "own")]
    target = kpis.set_target(commander, "clearance_rate", "national", "KE", "2026-03", 50, "plan")
    alert = community.draft_alert(commander, "Flooding", "Mafuriko", "", [KILIMANI])
    baraza = community.schedule_baraza(
        desk, KILIMANI, datetime(2031, 1, 1, 7, tzinfo=UTC), "Kilimani camp", "OCS Kilimani"
    )
    issue = community.add_issue(desk, baraza.pk, "Street lights")
    return {
        "kpi_target_id": str(target.pk),
        "community_alert_id": str(alert.pk),
        "baraza_id": str(baraza.pk),
        "baraza_issue_id": str(issue.pk),
    }


def fingerprint() -> list[Any]:
    from usalama.community.models import Alert, Baraza, BarazaIssue, Delivery, Subscriber
    from usalama.kpis.models import Target, TargetChange

    return [
        list(Target.objects.order_by("id").values_list("id", "value", "agency_id")),
        TargetChange.objects.count(),
        list(Alert.objects.order_by("id").values_list("id", "status")),
        list(Baraza.objects.order_by("id").values_list("id", "attendance")),
        list(BarazaIssue.objects.order_by("id").values_list("id", "status", "action")),
        Subscriber.objects.count(),
        Delivery.objects.count(),
    ]
