"""Demo stage for administration and the audit log: work for the administrators and IPOA.

* The analysts look things up (real searches and record reads through the records services,
  so the audit log holds genuine "who looked at what" for IPOA and the supervisors).
* DCI gets a new officer waiting for a role and a former officer deactivated, so the DCI
  administrator's People page has something to act on.
Idempotent: a second run finds its marks and changes nothing.
"""

from __future__ import annotations

from usalama.accounts import services as accounts
from usalama.accounts.models import User
from usalama.audit.models import AuditEvent
from usalama.audit.services import Actor
from usalama.demo.stages import DemoContext, Tip
from usalama.records import services as records
from usalama.records.models import EntityRecord

PASSWORD = "usalama-demo-2026"  # noqa: S105 - the documented demo password
NEW_OFFICER = "dci.p.wanjiru"
FORMER_OFFICER = "dci.k.otieno"


def _look_things_up(context: DemoContext) -> None:
    if AuditEvent.objects.filter(actor="nps.analyst", action="search").exists():
        return
    for username in ("nps.analyst", "dci.analyst", "dci.supervisor", "nps.commander"):
        user = context.users.get(username)
        if user is None:
            continue
        # a surname from a record this officer may see, as they would type it
        person = (
            EntityRecord.objects.visible_to(user).filter(schema="Person").order_by("id").first()
        )
        if person is None:
            continue
        query = person.caption.split()[-1]
        hits = records.search_entities(user, query, limit=5)
        for hit in hits[:2]:
            records.get_entity(user, hit.entity_id)


def _people_for_the_dci_admin(context: DemoContext) -> None:
    admin = context.users.get("dci.admin")
    dci = context.agencies.get("DCI")
    if admin is None or dci is None:
        return
    actor = Actor.of(admin)
    if not User.objects.filter(username=NEW_OFFICER).exists():
        accounts.create_user(
            actor, username=NEW_OFFICER, agency=dci, roles=["analyst"], password=PASSWORD
        )
    if not User.objects.filter(username=FORMER_OFFICER).exists():
        former = accounts.create_user(
            actor, username=FORMER_OFFICER, agency=dci, roles=["analyst"], password=PASSWORD
        ).user
        accounts.create_token(actor, former, "laptop script")
        # left the service: an administrator deactivates, the history stays
        from usalama.administration import services as administration

        administration.set_active(admin, former.pk, False)


def populate(context: DemoContext) -> list[Tip]:
    _look_things_up(context)
    _people_for_the_dci_admin(context)
    return [
        Tip(
            "dci.admin",
            f"People: give {NEW_OFFICER} the supervisor role, or reset a lost phone's second "
            f"factor; {FORMER_OFFICER} is deactivated but still holds a token to revoke",
        ),
        Tip("sysadmin", "Audit log: press 'Verify the whole chain'; Agencies: add one"),
        Tip(
            "ipoa.investigator",
            "Audit log: Who = nps.analyst shows what an officer searched and read, and when",
        ),
        Tip("dci.supervisor", "Audit log: your agency's logins, searches and reads"),
    ]
