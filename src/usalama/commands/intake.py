"""``usalama intake``: register the local leaders whose reports are marked verified-source."""

from __future__ import annotations

from typing import Annotated

import typer

from usalama.commands.platform import setup_django

app = typer.Typer(
    help="Community reports and tips: register local leaders (verified sources).",
    no_args_is_help=True,
)


@app.command("leader-add")
def leader_add(
    name: Annotated[str, typer.Option(help="Full name, e.g. 'Chief Jane Wanjala'.")],
    kind: Annotated[str, typer.Option(help="chief, assistant_chief or nyumba_kumi.")],
    county: Annotated[str, typer.Option(help="County (the ward picker of their page).")] = "",
    sub_county: Annotated[str, typer.Option(help="Sub-county.")] = "",
    ward: Annotated[str, typer.Option(help="Ward.")] = "",
    agency: Annotated[str, typer.Option(help="Agency that receives their reports.")] = "NPS",
    user: Annotated[
        str | None, typer.Option(help="Existing account: reports on the web page.")
    ] = None,
    phone: Annotated[
        str | None, typer.Option(help="Phone for SMS/USSD (kept only as a keyed HMAC).")
    ] = None,
    pin: Annotated[
        bool, typer.Option("--pin", help="Ask for a 4-8 digit PIN (needed with --phone).")
    ] = False,
    create_account: Annotated[
        bool,
        typer.Option(
            "--create-account", help="Create the --user account (no data role; password asked)."
        ),
    ] = False,
) -> None:
    """Register a chief, assistant chief or Nyumba Kumi leader (by account and/or phone+PIN)."""
    setup_django()
    from usalama.accounts import services as accounts
    from usalama.audit.services import Actor
    from usalama.intake import services

    secret = typer.prompt("PIN", hide_input=True, confirmation_prompt=True) if pin else ""
    account = None
    if user and create_account:
        # A leader's account reads no records, so it has no role and needs no second factor.
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        account = accounts.create_user(
            Actor(name="cli"),
            username=user,
            agency=accounts.get_agency(agency),
            roles=[],
            password=password,
            with_totp=False,
        ).user
    elif user:
        account = accounts.get_user(user)
    leader = services.register_leader(
        Actor(name="cli"),
        name=name,
        kind=kind,
        phone=phone or "",
        pin=secret,
        user=account,
        county=county,
        sub_county=sub_county,
        ward=ward,
        agency=accounts.get_agency(agency),
    )
    channels = [c for c, on in (("web", user), ("SMS/USSD", phone)) if on]
    typer.echo(f"leader #{leader.pk} {leader} registered ({', '.join(channels) or 'no channel'})")
