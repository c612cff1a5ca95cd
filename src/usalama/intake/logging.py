"""A logging filter that drops every record about a public intake request.

Django's ``django.request`` logger writes "Not Found: /tip/<code>/" and similar lines with
the request attached; a tip code, a reference or a webhook secret in a log file would undo
the anonymity and the secret. The filter drops records whose attached request, or whose
message, names a public intake path. Imported by the LOGGING settings, so no models here.
"""

from __future__ import annotations

import logging

PRIVATE_PREFIXES = (
    "/report",
    "/tip",
    "/webhooks/",
    "/api/v1/public/",
)


def is_private_path(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)


class SkipIntakeRequests(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str) and is_private_path(path):
            return False
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to judge
            return True
        return not any(prefix in message for prefix in PRIVATE_PREFIXES)
