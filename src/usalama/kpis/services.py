"""KPI use cases: reading the table for dashboards, setting targets (with history and audit),
and the records behind a figure (only what the reader may see, through ``visible_to``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from usalama.audit.services import record, record_refused
from usalama.core.errors import InvalidInput, NotFound, PermissionDenied
from usalama.data import areas
from usalama.kpis.models import KpiValue, StationArea, Target, TargetChange
from usalama.kpis.registry import BY_KEY, Indicator
from usalama.kpis.sources import Window

# Who reads the dashboards: the Inspector-General's office and commanders (commander), their
# supervisors and analysts, ODPP (prosecutor) and IPOA (oversight investigator).
DASHBOARD_ROLES = ("commander", "supervisor", "analyst", "prosecutor", "oversight_investigator")
# Who sets targets: the leaders of an agency.
TARGET_ROLES = ("commander", "supervisor")
MAX_TARGET = 1e9


def reads_dashboards(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.agency_id is not None
        and user.has_role(*DASHBOARD_ROLES)
    )


def sets_targets(user: Any) -> bool:
    return reads_dashboards(user) and bool(user.has_role(*TARGET_ROLES))


def require_reader(user: Any, attempted: str = "kpis.read") -> None:
    if not reads_dashboards(user):
        record_refused(user, attempted, reason="not a dashboard role")
        raise PermissionDenied("the dashboards are for commanders, supervisors, ODPP and IPOA")


def indicator(key: str) -> Indicator:
    found = BY_KEY.get(key)
    if found is None:
        raise InvalidInput(f"unknown indicator {key!r}")
    return found


def check_area(ind: Indicator, level: str, code: str) -> None:
    if level not in ind.levels:
        raise InvalidInput(f"{ind.key} has no figures at the {level!r} level")
    if not areas.is_area(level, code):
        raise InvalidInput(f"{code!r} is not a {level} code")


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    period: str
    value: float | None
    base: int
    target: float | None


def series(user: Any, key: str, level: str, code: str, periods: list[str]) -> list[Point]:
    """The indicator for one area, month by month, with the user's agency's targets."""
    ind = indicator(key)
    check_area(ind, level, code)
    values = {
        v.period: v
        for v in KpiValue.objects.filter(
            indicator=key, level=level, area_code=code, period__in=periods
        )
    }
    targets = dict(
        Target.objects.visible_to(user)
        .filter(indicator=key, level=level, area_code=code, period__in=periods)
        .values_list("period", "value")
    )
    return [
        Point(
            p,
            values[p].value if p in values else None,
            values[p].base if p in values else 0,
            targets.get(p),
        )
        for p in periods
    ]


def latest_periods(count: int = 6) -> list[str]:
    """The last ``count`` months that have figures, oldest first."""
    found = list(
        KpiValue.objects.order_by("-period").values_list("period", flat=True).distinct()[:count]
    )
    return sorted(found)


@dataclass(frozen=True)
class Ranked:
    level: str
    code: str
    name: str
    value: float | None
    base: int
    target: float | None
    met: bool | None


def _met(ind: Indicator, value: float | None, target: float | None) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if ind.direction == "higher" else value <= target


def ranking(
    user: Any, key: str, level: str, period: str, within: set[str] | None = None
) -> list[Ranked]:
    """Every area of a level with a figure for the month, best first."""
    ind = indicator(key)
    rows = KpiValue.objects.filter(indicator=key, level=level, period=period)
    if within is not None:
        rows = rows.filter(area_code__in=within)
    targets = dict(
        Target.objects.visible_to(user)
        .filter(indicator=key, level=level, period=period)
        .values_list("area_code", "value")
    )
    ranked = [
        Ranked(
            level,
            r.area_code,
            areas.name_of(level, r.area_code),
            r.value,
            r.base,
            targets.get(r.area_code),
            _met(ind, r.value, targets.get(r.area_code)),
        )
        for r in rows
    ]
    present = [r for r in ranked if r.value is not None]
    missing = [r for r in ranked if r.value is None]
    sign = 1.0 if ind.direction == "higher" else -1.0
    present.sort(key=lambda r: sign * (r.value or 0.0), reverse=True)
    return present + sorted(missing, key=lambda r: r.name)


def children_figures(user: Any, key: str, level: str, code: str, period: str) -> list[Ranked]:
    """The figures one level down from an area (county → sub-counties → wards), best first."""
    child = areas.CHILD_LEVEL.get(level)
    if child is None or child not in indicator(key).levels:
        return []
    return ranking(user, key, child, period, {c for _l, c in areas.children(level, code)})


def stations_in(level: str, code: str) -> list[str]:
    wards = areas.wards_within(level, code)
    return sorted(StationArea.objects.filter(ward_code__in=wards).values_list("station", flat=True))


def drill_incidents(user: Any, level: str, code: str, period: str, limit: int = 500) -> Any:
    """The incidents behind a figure of an area and month that the user may see (audited)."""
    from usalama.policing.models import Incident

    require_reader(user, "kpis.drill")
    if level not in (areas.WARD, areas.STATION, areas.SUBCOUNTY, areas.COUNTY):
        raise InvalidInput("records are listed for a county, sub-county, ward or station")
    if not areas.is_area(level, code):
        raise InvalidInput(f"{code!r} is not a {level} code")
    window = Window.of(period)
    stations = [code] if level == areas.STATION else stations_in(level, code)
    rows = (
        Incident.objects.visible_to(user)
        .filter(station__in=stations, received_at__gte=window.start, received_at__lt=window.end)
        .select_related("collection")
        .order_by("-received_at")
    )
    listed = list(rows[:limit])
    record(
        user,
        "kpis.drill",
        object_type=level,
        object_id=code,
        details={"period": period, "shown": len(listed)},
    )
    return listed


@dataclass(frozen=True)
class Funnel:
    tips: int
    reports: int
    incidents: int
    cases: int
    convictions: int


def funnel(period: str) -> Funnel:
    """Tips and reports → incidents → cases → convictions, in one month (counts only)."""
    from usalama.cases.models import Case, ChainEvent
    from usalama.intake.models import Report, Tip

    window = Window.of(period)
    inside = {"created_at__gte": window.start, "created_at__lt": window.end}
    tips = Tip.objects.filter(**inside)
    reports = Report.objects.filter(**inside)
    converted = (
        tips.filter(converted_at__isnull=False).count()
        + reports.filter(converted_at__isnull=False).count()
    )
    convictions = ChainEvent.objects.filter(
        kind="judgment",
        detail="convicted",
        occurred_at__gte=window.start,
        occurred_at__lt=window.end,
    ).count()
    return Funnel(
        tips.count(), reports.count(), converted, Case.objects.filter(**inside).count(), convictions
    )


# --- targets ------------------------------------------------------------------------------


def set_target(
    user: Any, key: str, level: str, code: str, period: str, value: float, reason: str
) -> Target:
    """Set (or change) the user's agency's target; the change is kept and audited."""
    if not sets_targets(user):
        record_refused(
            user,
            "kpis.target.set",
            object_type="indicator",
            object_id=key,
            reason="not a leader role",
        )
        raise PermissionDenied("targets are set by commanders and supervisors")
    ind = indicator(key)
    check_area(ind, level, code)
    Window.of(period)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason: say why the target is set or changed")
    if len(reason) > 500:
        raise InvalidInput("reason: at most 500 characters")
    if not -MAX_TARGET < value < MAX_TARGET or value != value:
        raise InvalidInput("value: not a usable number")
    if ind.unit == "%" and not 0 <= value <= 100:
        raise InvalidInput("value: a share is between 0 and 100")
    with transaction.atomic():
        target = (
            Target.objects.select_for_update()
            .filter(
                agency_id=user.agency_id, indicator=key, level=level, area_code=code, period=period
            )
            .first()
        )
        old = target.value if target else None
        if target is None:
            target = Target.objects.create(
                agency_id=user.agency_id,
                indicator=key,
                level=level,
                area_code=code,
                period=period,
                value=value,
                set_by=user,
            )
        else:
            target.value, target.set_by, target.set_at = value, user, timezone.now()
            target.save(update_fields=["value", "set_by", "set_at"])
        TargetChange.objects.create(
            target=target, old_value=old, new_value=value, reason=reason, changed_by=user
        )
        record(
            user,
            "kpis.target.set",
            object_type="target",
            object_id=target.pk,
            details={
                "indicator": key,
                "level": level,
                "area": code,
                "period": period,
                "old": old,
                "new": value,
                "reason": reason,
            },
        )
    return target


def get_target(user: Any, target_id: int) -> Target:
    """One of the user's agency's targets; another agency's answers NotFound (404)."""
    require_reader(user, "kpis.target.read")
    found = Target.objects.visible_to(user).filter(pk=target_id).first()
    if found is None:
        record_refused(
            user,
            "kpis.target.read",
            object_type="target",
            object_id=target_id,
            reason="not found or another agency's",
        )
        raise NotFound(f"target {target_id} not found")
    return found


def target_history(user: Any, target_id: int) -> tuple[Target, list[TargetChange]]:
    target = get_target(user, target_id)
    return target, list(target.history.select_related("changed_by"))


def agency_targets(user: Any, limit: int = 200) -> list[Target]:
    return list(Target.objects.visible_to(user).order_by("-period", "indicator")[:limit])


def map_station(station: str, ward_code: str) -> StationArea:
    """Place a station in a ward (operators, CLI and the demo; stations are shared names)."""
    station = " ".join(station.split())
    if not station or len(station) > 100:
        raise InvalidInput("station: a name of 1 to 100 characters")
    if areas.ward(ward_code) is None:
        raise InvalidInput(f"{ward_code!r} is not a ward code of kenya_wards.csv")
    placed, _ = StationArea.objects.update_or_create(
        station=station, defaults={"ward_code": ward_code}
    )
    return placed
