"""The main menu: each app lists its own entries in a `menu.py` module (``ITEMS``), and
the shell shows a user only the entries whose test that user passes.

Kept in one registry so that a test can walk every role's menu and fail on any entry
that answers 403, 404 or 500 for that role (an entry must never lead nowhere).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: Any  # a lazily translated string
    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100


def everyone(user: Any) -> bool:
    return bool(user.is_authenticated)


def data_roles(user: Any) -> bool:
    return bool(user.is_authenticated and user.sees_records)


def with_roles(*roles: str) -> Callable[[Any], bool]:
    def allowed(user: Any) -> bool:
        return bool(user.is_authenticated and user.is_active and user.has_role(*roles))

    return allowed


@cache
def all_items() -> tuple[MenuItem, ...]:
    found: list[MenuItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("usalama."):
            continue
        try:
            module = import_module(f"{config.name}.menu")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.menu":
                raise
            continue
        found.extend(module.ITEMS)
    return tuple(sorted(found, key=lambda item: (item.order, item.key)))


def menu_for(user: Any) -> list[tuple[str, Any, str]]:
    """(key, label, url) of each entry `user` may open, in menu order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(i.key, i.label, reverse(i.url_name)) for i in all_items() if i.allowed(user)]
