"""Column mappings: which column of an incident file holds which field.

Two are built in (``seattle`` for Seattle Police calls for service, ``portland`` for the
Portland Police Bureau's monthly XLSX files); any other layout is described in a YAML or
JSON file with the same keys as :class:`Mapping`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from usalama.core.errors import InvalidInput

TEXT_FIELDS = ("category", "call_group", "call_type", "priority", "beat", "station")
TIME_FIELDS = ("received", "answered", "dispatched", "arrived", "cleared")


@dataclass(frozen=True)
class Mapping:
    """Source column for each incident field; ``None`` means the file does not have it.

    ``external_id`` None makes the id ``<file name>:<row>`` (stable for the same file).
    ``x``/``y`` are in ``crs`` (longitude/latitude for EPSG:4326); times are local to
    ``time_zone`` unless they carry an offset.
    """

    name: str
    received: str
    x: str
    y: str
    crs: str = "EPSG:4326"
    time_zone: str = "UTC"
    external_id: str | None = None
    category: str | None = None
    call_group: str | None = None
    call_type: str | None = None
    priority: str | None = None
    beat: str | None = None
    station: str | None = None
    answered: str | None = None
    dispatched: str | None = None
    arrived: str | None = None
    cleared: str | None = None

    def columns(self) -> dict[str, str]:
        """Field name → source column for every mapped field."""
        out = {}
        for f in fields(self):
            if f.name in ("name", "crs", "time_zone"):
                continue
            value = getattr(self, f.name)
            if value:
                out[f.name] = value
        return out


BUILTIN: dict[str, Mapping] = {
    # Seattle Police Department "Call Data" (data.seattle.gov); coordinates are blurred to
    # the block. The sample has no dispatch or clearance time, so only the full response
    # interval (queued → arrived) can be measured.
    "seattle": Mapping(
        name="seattle",
        external_id="CAD Event Number",
        category="Final Call Type",
        call_group="Call Type",
        call_type="Initial Call Type",
        priority="Priority",
        beat="Beat",
        station="Precinct",
        x="Blurred_Longitude",
        y="Blurred_Latitude",
        received="Original Time Queued",
        arrived="Arrived Time",
        time_zone="America/Los_Angeles",
    ),
    # Portland Police Bureau calls for service (monthly XLSX): a date, no times of response,
    # coordinates in Oregon State Plane North, US survey feet (EPSG:2913).
    "portland": Mapping(
        name="portland",
        category="CATEGORY",
        call_group="CALL GROUPS",
        call_type="CASE DESC",
        x="x_coordinate",
        y="y_coordinate",
        crs="EPSG:2913",
        received="occ_date",
        time_zone="America/Los_Angeles",
    ),
}


def _from_dict(data: Any, origin: str) -> Mapping:
    if not isinstance(data, dict):
        raise InvalidInput(f"{origin}: a mapping must be an object of field: column")
    known = {f.name for f in fields(Mapping)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(
            f"{origin}: unknown mapping field(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    for required in ("received", "x", "y"):
        if not data.get(required):
            raise InvalidInput(f"{origin}: the mapping needs a column for {required!r}")
    values = {k: (str(v) if v is not None else None) for k, v in data.items()}
    values.setdefault("name", Path(origin).stem)
    return Mapping(**values)  # type: ignore[arg-type]


def load_mapping(spec: str | Mapping | dict[str, Any]) -> Mapping:
    """A built-in name, a YAML/JSON file path, a dict, or a ``Mapping``; checked."""
    if isinstance(spec, Mapping):
        mapping = spec
    elif isinstance(spec, dict):
        mapping = _from_dict(spec, "mapping")
    elif spec in BUILTIN:
        mapping = BUILTIN[spec]
    else:
        path = Path(spec)
        if not path.is_file():
            raise InvalidInput(
                f"mapping {spec!r} is neither built in ({', '.join(BUILTIN)}) nor a file"
            )
        text = path.read_text(encoding="utf-8")
        try:
            data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as error:
            raise InvalidInput(f"{path}: not a readable mapping ({error})") from error
        mapping = _from_dict(data, str(path))
    try:
        ZoneInfo(mapping.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(
            f"mapping {mapping.name!r}: unknown time zone {mapping.time_zone!r}"
        ) from error
    return mapping
