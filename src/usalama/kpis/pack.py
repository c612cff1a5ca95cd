"""The monthly review pack (CompStat-style): every indicator at national level against target,
the counties ranked, and the funnel, as printable HTML and as a PDF built by matplotlib's
PdfPages (a pure wheel: no browser, no system library)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from django.utils.translation import gettext as _
from matplotlib.backends.backend_pdf import PdfPages

from usalama.audit.services import record
from usalama.data import areas
from usalama.kpis import charts, services
from usalama.kpis.registry import INDICATORS, Indicator

TREND_MONTHS = 6


@dataclass(frozen=True)
class PackItem:
    indicator: Indicator
    points: list[services.Point]
    counties: list[services.Ranked]
    stations: list[services.Ranked]

    @property
    def current(self) -> services.Point | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class Pack:
    period: str
    periods: list[str]
    items: list[PackItem]
    funnel: services.Funnel


def _periods_up_to(period: str) -> list[str]:
    from usalama.kpis.sources import months_between

    year, month = int(period[:4]), int(period[5:7])
    month -= TREND_MONTHS - 1
    while month < 1:
        month += 12
        year -= 1
    return list(months_between(f"{year:04d}-{month:02d}", period))


def build(user: Any, period: str) -> Pack:
    services.require_reader(user, "kpis.pack")
    periods = _periods_up_to(period)
    items = []
    for ind in INDICATORS:
        points = services.series(user, ind.key, areas.NATIONAL, areas.NATIONAL_CODE, periods)
        counties = (
            services.ranking(user, ind.key, areas.COUNTY, period)[:10]
            if areas.COUNTY in ind.levels
            else []
        )
        stations = (
            services.ranking(user, ind.key, areas.STATION, period)[:10]
            if areas.STATION in ind.levels
            else []
        )
        items.append(PackItem(ind, points, counties, stations))
    record(user, "kpis.pack", object_type="period", object_id=period)
    return Pack(period, periods, items, services.funnel(period))


def funnel_labels() -> list[str]:
    return [
        _("Tips"),
        _("Reports"),
        _("Incidents (converted)"),
        _("Cases opened"),
        _("Convictions"),
    ]


def funnel_counts(pack: Pack) -> list[int]:
    f = pack.funnel
    return [f.tips, f.reports, f.incidents, f.cases, f.convictions]


def _trend(item: PackItem, periods: list[str]) -> Any:
    return charts.trend_figure(
        periods,
        [p.value for p in item.points],
        [p.target for p in item.points],
        title=str(item.indicator.name),
        unit=str(item.indicator.unit),
        value_label=_("Value"),
        target_label=_("Target"),
    )


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def pdf(pack: Pack) -> bytes:
    """The pack as PDF: a cover with the funnel, then one page per indicator."""
    buffer = io.BytesIO()
    with plt.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as document:
        cover = charts.funnel_figure(
            funnel_labels(),
            funnel_counts(pack),
            title=_("Monthly review %(period)s: tips → incidents → cases → convictions")
            % {"period": pack.period},
        )
        document.savefig(cover, bbox_inches="tight")
        plt.close(cover)
        for item in pack.items:
            figure = _trend(item, pack.periods)
            figure.set_size_inches(8.3, 5.8)
            lines = [str(item.indicator.definition)]
            current = item.current
            if current is not None:
                lines.append(
                    _("%(period)s: %(value)s (target %(target)s)")
                    % {
                        "period": pack.period,
                        "value": _fmt(current.value),
                        "target": _fmt(current.target),
                    }
                )
            for label, ranked in ((_("Counties"), item.counties), (_("Stations"), item.stations)):
                if ranked:
                    lines.append(
                        f"{label}: " + "; ".join(f"{r.name} {_fmt(r.value)}" for r in ranked[:5])
                    )
            figure.subplots_adjust(bottom=0.42)
            figure.text(
                0.02, 0.02, "\n".join(_wrap(line) for line in lines), fontsize=7, va="bottom"
            )
            document.savefig(figure)
            plt.close(figure)
    return buffer.getvalue()


def _wrap(text: str, width: int = 120) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def trend_svgs(pack: Pack) -> list[tuple[PackItem, str]]:
    from usalama.core.svg import figure_svg

    return [(item, figure_svg(_trend(item, pack.periods))) for item in pack.items]
