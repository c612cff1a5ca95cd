"""Synthetic demo world for usalama: agencies, collections, FtM records with ground
truth and planted scenarios. See :mod:`usalama.demo.generator` for the API and
``docs/demo-data.md`` for what the world contains."""

from usalama.demo.generator import (
    DemoAgency,
    DemoCollection,
    DemoRecord,
    DemoWorld,
    generate_person_table,
    generate_world,
)

__all__ = [
    "DemoAgency",
    "DemoCollection",
    "DemoRecord",
    "DemoWorld",
    "generate_person_table",
    "generate_world",
]
