"""Signals other parts of the system may listen to (oversight imports none of them).

``critical_incident``: a s. 25 notification of a death or serious injury was recorded. Sent
with ``agency`` (the police agency), ``kind``, ``occurred_at``, ``place``, ``reference`` and
``officers`` — a list of ``(name, service_number, user_id)``. Delivery code connects it to the
wellness app, which offers the officers involved a confidential referral.
"""

from django.dispatch import Signal

critical_incident = Signal()
