"""Settings for load benchmarks only: the normal settings plus a bare peer view.

``benchmarks/intake_load.py`` serves with ``DJANGO_SETTINGS_MODULE=usalama.benchmark_settings``
so that its peer, a plain Django view, runs on the same server, middleware and database as
the endpoints it is compared with. Nothing else names this module: a normal deployment
(``usalama.settings``) has no such URL.
"""

from __future__ import annotations

from usalama.settings import *  # noqa: F403

ROOT_URLCONF = "usalama.benchmark_urls"
