"""Money traces on the case page: attach a trace to a case, show its summary and flow.

Delivery code: the cases app and the money app never import each other, so the one place
that knows both lives here. The owner's investigators attach a trace (from an account of a
person of the case, or any account of the ledger their agency sees; hops, direction, taint
model, time window); the trace runs through ``money.services.trace`` under the user's own
visibility (audited there as ``money.trace``), and the case keeps a snapshot of what it
found (``cases.CaseMoneyTrace``, audited as ``case.money_trace``). Every reader of the case,
including an agency it is shared with, sees the snapshot read-only; a link to the full trace
page is shown only to a reader whose agency sees the account. Showing the panel is audited
(``case.money_trace_read``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from usalama.audit.services import record
from usalama.cases import access, panels
from usalama.cases import services as cases
from usalama.cases.models import Case, CaseMoneyTrace
from usalama.cases.views import case_action
from usalama.core.errors import InvalidInput, NotFound
from usalama.money import charts
from usalama.money import services as money
from usalama.money.models import Account
from usalama.money.tracing import TraceView

ACCOUNT_HREF = "/money/accounts/{id}/"


def candidate_accounts(user: Any, case: Case) -> list[Account]:
    """Accounts of the case's people (as holder or as the account's own entity) the user sees."""
    ids = [i for i in case.parties.values_list("entity_id", flat=True) if i]
    if not ids:
        return []
    return list(
        Account.objects.visible_to(user)
        .filter(Q(holder_entity_id__in=ids) | Q(entity_id__in=ids))
        .order_by("holder_name", "identifier")[:50]
    )


class MoneyTraceForm(forms.Form):
    account = forms.TypedChoiceField(
        label=gettext_lazy("Account of a person of the case"), coerce=int, required=False
    )
    identifier = forms.CharField(
        label=gettext_lazy("or an account, wallet or phone number of the ledger"),
        max_length=200,
        required=False,
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        choices=[
            ("forward", gettext_lazy("Forward (where the money went)")),
            ("backward", gettext_lazy("Backward (where it came from)")),
        ],
    )
    model = forms.ChoiceField(
        label=gettext_lazy("Taint model"),
        choices=[
            ("haircut", gettext_lazy("Haircut")),
            ("poison", gettext_lazy("Poison")),
            ("fifo", gettext_lazy("First in, first out")),
        ],
    )
    hops = forms.IntegerField(
        label=gettext_lazy("Hops"), min_value=1, max_value=money.MAX_HOPS, initial=4
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False)
    until = forms.DateField(label=gettext_lazy("To (excluded)"), required=False)

    def __init__(self, *args: Any, accounts: list[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [
            (a.pk, f"{a.label} · {a.holder_name or a.provider or a.get_kind_display()}")
            for a in accounts
        ]
        for name in ("since", "until"):
            self.fields[name].widget.input_type = "date"


def _seed(user: Any, account_id: int | None, identifier: str) -> Account:
    if account_id:
        try:
            return money.get_account(user, account_id)
        except NotFound:
            raise InvalidInput(_("account: not in the ledger your agency sees")) from None
    text = identifier.strip()
    if not text:
        raise InvalidInput(_("account: choose an account or type its number"))
    found = list(Account.objects.visible_to(user).filter(identifier__iexact=text)[:3])
    if not found:
        raise InvalidInput(
            _("account: no account %(identifier)s in the ledger your agency sees")
            % {"identifier": text}
        )
    if len(found) > 1:
        raise InvalidInput(
            _("account: %(identifier)s names several accounts; choose one from the list")
            % {"identifier": text}
        )
    return found[0]


def summarise(view: TraceView) -> dict[str, Any]:
    """What the case keeps of a trace: totals, hops, accounts reached, the flow's bands."""
    nodes = []
    for row in view.accounts:
        account = row.account
        holder = account.holder_name or account.provider or account.get_kind_display()
        nodes.append(
            {
                "key": str(account.pk),
                "label": account.label,
                "sublabel": str(holder),
                "kind": account.kind,
                "layer": 0 if row.seed else row.layer,
                "seed": row.seed,
            }
        )
    merged: dict[tuple[str, str], float] = defaultdict(float)
    for step in view.steps:
        key = (str(step.transfer.source_account_id), str(step.transfer.target_account_id))
        merged[key] += step.tainted
    edges = [
        {"source": a, "target": b, "amount": round(amount, 2)}
        for (a, b), amount in merged.items()
        if amount > 0
    ]
    reached = [row.hop for row in view.by_hop if row.transfers]
    return {
        "total": round(view.seed_amount, 2),
        "currency": view.currency,
        "hops_reached": max(reached) if reached else 0,
        "accounts_reached": sum(1 for row in view.accounts if not row.seed),
        "transfers": len(view.steps),
        "channels": view.channels,
        "by_hop": [
            {"hop": row.hop, "transfers": row.transfers, "amount": round(row.tainted, 2)}
            for row in view.by_hop
        ],
        "nodes": nodes,
        "edges": edges,
    }


def attach(
    user: Any,
    case: Case,
    *,
    account_id: int | None,
    identifier: str,
    direction: str,
    model: str,
    hops: int,
    since: date | None,
    until: date | None,
) -> CaseMoneyTrace:
    """Run the trace as the user and link its snapshot to the case (owner only; audited)."""
    access.require_owner(user, case, "money_trace")  # refused before anything is traced
    seed = _seed(user, account_id, identifier)
    view = money.trace(
        user, seed.pk, direction=direction, model=model, hops=hops, since=since, until=until
    )
    return cases.attach_money_trace(
        user,
        case,
        account_id=seed.pk,
        account_label=f"{seed.label} ({seed.holder_name or seed.provider or seed.kind})",
        direction=direction,
        model=model,
        hops=hops,
        since=since,
        until=until,
        summary=summarise(view),
    )


def trace_url(trace: CaseMoneyTrace) -> str:
    query: dict[str, Any] = {
        "account": trace.account_id,
        "direction": trace.direction,
        "model": trace.model,
        "hops": trace.hops,
    }
    if trace.since:
        query["from"] = trace.since.isoformat()
    if trace.until:
        query["to"] = trace.until.isoformat()
    return f"{reverse('money:trace')}?{urlencode(query)}"


def _figure(trace: CaseMoneyTrace, visible: set[int]) -> str:
    summary = trace.summary or {}
    nodes = [
        charts.Node(
            key=node["key"],
            label=node["label"],
            sublabel=node["sublabel"],
            kind=node["kind"],
            layer=int(node["layer"]),
            href=ACCOUNT_HREF.format(id=node["key"]) if int(node["key"]) in visible else "",
            highlight=bool(node["seed"]),
        )
        for node in summary.get("nodes", [])
    ]
    edges = [
        charts.Edge(e["source"], e["target"], float(e["amount"]), f"{float(e['amount']):,.0f}")
        for e in summary.get("edges", [])
    ]
    return charts.sankey_svg(
        nodes, edges, title=_("Amounts by hop"), unit=summary.get("currency", ""), width=900
    )


@panels.register
def money_panel(request: HttpRequest, case: Case, owner: bool) -> SafeString:
    """The case page's money traces: summaries, flows, links; the attach form for the owner."""
    user = request.user
    traces = list(case.money_traces.all())
    if not traces and not owner:
        return SafeString("")
    keys = {t.account_id for t in traces}
    for trace in traces:
        keys |= {int(n["key"]) for n in (trace.summary or {}).get("nodes", [])}
    visible = set(Account.objects.visible_to(user).filter(pk__in=keys).values_list("pk", flat=True))
    rows = [
        {
            "trace": trace,
            "summary": trace.summary or {},
            "url": trace_url(trace) if trace.account_id in visible else "",
            "figure": mark_safe(_figure(trace, visible)),  # noqa: S308 - charts.py escapes text
        }
        for trace in traces
    ]
    if traces:
        record(
            user,
            "case.money_trace_read",
            object_type="case",
            object_id=case.reference,
            details={"traces": [t.pk for t in traces]},
        )
    form = (
        MoneyTraceForm(accounts=candidate_accounts(user, case), auto_id="money_%s")
        if owner
        else None
    )
    return render_to_string(
        "cases/_money_traces.html",
        {"case": case, "rows": rows, "form": form, "owner": owner},
        request=request,
    )


@case_action
def attach_view(request: HttpRequest, case: Case) -> None:
    access.require_owner(request.user, case, "money_trace")
    form = MoneyTraceForm(request.POST, accounts=candidate_accounts(request.user, case))
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(f"{field}: {' '.join(str(error) for error in errors)}")
    data = form.cleaned_data
    attach(
        request.user,
        case,
        account_id=data["account"] or None,
        identifier=data["identifier"],
        direction=data["direction"],
        model=data["model"],
        hops=data["hops"],
        since=data["since"],
        until=data["until"],
    )
    messages.success(request, _("Money trace attached to the case."))


@case_action
def remove_view(request: HttpRequest, case: Case, trace_id: int) -> None:
    cases.remove_money_trace(request.user, case, trace_id)
    messages.success(request, _("Money trace removed from the case."))
