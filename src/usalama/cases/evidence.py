"""Evidence register and chain of custody (part of the cases services: writes, checks, audits).

Digital exhibits' files are stored under ``settings.EVIDENCE_DIR``, never in the database;
the database keeps each file's SHA-256. Each custody transfer is hash-linked to the one
before it, the exhibit keeps the latest hash (``custody_head``), and the audit log keeps
every transfer's hash: a changed byte, an altered transfer or a removed one is found by
``verify_case`` and named.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from usalama.audit.models import AuditEvent
from usalama.audit.services import record
from usalama.cases import access, redaction
from usalama.cases.models import (
    Case,
    CustodyTransfer,
    DisclosureBundle,
    Exhibit,
    ExhibitFile,
    Party,
    reads_cases,
)
from usalama.core import spreadsheets
from usalama.core.errors import (
    IntegrityFailure,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooLarge,
)

GENESIS = "0" * 64
CUSTODY_ACTION = "exhibit.custody"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def evidence_dir() -> Path:
    return Path(settings.EVIDENCE_DIR)


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", Path(name).name).strip("._") or "file"
    return cleaned[:120]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def transfer_hash(exhibit: Exhibit, transfer: CustodyTransfer, files_digest: str) -> str:
    fields = {
        "case": exhibit.case.reference,
        "exhibit": exhibit.number,
        "sequence": transfer.sequence,
        "from": transfer.from_holder,
        "to": transfer.to_holder,
        "to_agency": transfer.to_agency,
        "at": transfer.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "purpose": transfer.purpose,
        "prev": transfer.prev_hash,
        # the seizure fixes the files: a changed stored hash breaks the chain too
        "files": files_digest if transfer.sequence == 1 else "",
    }
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_digest(exhibit: Exhibit) -> str:
    hashes = sorted(f"{f.name}:{f.sha256}" for f in exhibit.files.all())
    return hashlib.sha256("\n".join(hashes).encode("utf-8")).hexdigest()


def _append_transfer(
    user: Any, exhibit: Exhibit, *, from_holder: str, purpose: str, at: datetime
) -> CustodyTransfer:
    last = exhibit.transfers.order_by("-sequence").first()
    transfer = CustodyTransfer(
        exhibit=exhibit,
        sequence=(last.sequence + 1) if last else 1,
        from_holder=from_holder,
        to_holder=user.get_username(),
        to_agency=user.agency.code,
        at=at,
        purpose=purpose,
        prev_hash=last.hash if last else GENESIS,
    )
    transfer.hash = transfer_hash(exhibit, transfer, files_digest(exhibit))
    transfer.save()
    exhibit.custody_head = transfer.hash
    exhibit.save(update_fields=["custody_head"])
    record(
        user,
        CUSTODY_ACTION,
        object_type="exhibit",
        object_id=exhibit.pk,
        details={
            "case": exhibit.case.reference,
            "exhibit": exhibit.number,
            "sequence": transfer.sequence,
            "hash": transfer.hash,
            "from": from_holder,
            "purpose": purpose,
        },
    )
    return transfer


def add_exhibit(
    user: Any,
    case: Case,
    *,
    number: str,
    kind: str,
    description: str,
    seal_number: str = "",
    files: list[tuple[str, bytes]] | None = None,
    seized_at: datetime | None = None,
) -> Exhibit:
    """Register an exhibit; its seizure is the first custody step, held by the user."""
    access.require_owner(user, case, "exhibit")
    number, description, seal_number = number.strip(), description.strip(), seal_number.strip()
    files = files or []
    if not number or not description:
        raise InvalidInput("exhibit: give a number and a description")
    if kind == Exhibit.Kind.PHYSICAL and not seal_number:
        raise InvalidInput("seal_number: a physical exhibit needs its seal number")
    if kind == Exhibit.Kind.DIGITAL and not files:
        raise InvalidInput("files: a digital exhibit needs at least one file")
    if kind not in Exhibit.Kind.values:
        raise InvalidInput(f"kind: expected physical or digital, not {kind!r}")
    if sum(len(content) for _, content in files) > settings.USALAMA_MAX_UPLOAD_BYTES:
        raise TooLarge("files: larger than USALAMA_MAX_UPLOAD_BYTES")
    if case.exhibits.filter(number=number).exists():
        raise InvalidInput(f"number: the case already has an exhibit {number}")
    written: list[Path] = []
    try:
        with transaction.atomic():
            exhibit = Exhibit.objects.create(
                case=case,
                number=number,
                kind=kind,
                description=description,
                seal_number=seal_number,
                seized_at=seized_at or timezone.now(),
                created_by=user.get_username(),
            )
            folder = evidence_dir() / case.reference / str(exhibit.pk)
            for index, (name, content) in enumerate(files, start=1):
                folder.mkdir(parents=True, exist_ok=True)
                relative = (
                    Path(case.reference) / str(exhibit.pk) / f"{index:03d}-{_safe_name(name)}"
                )
                target = evidence_dir() / relative
                target.write_bytes(content)
                written.append(target)
                ExhibitFile.objects.create(
                    exhibit=exhibit,
                    name=Path(name).name[:255] or "file",
                    stored_path=str(relative),
                    sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content),
                )
            record(
                user,
                "exhibit.add",
                object_type="case",
                object_id=case.reference,
                details={"exhibit": number, "kind": kind, "files": len(files)},
            )
            _append_transfer(
                user, exhibit, from_holder="seizure", purpose="seized", at=exhibit.seized_at
            )
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return exhibit


def confirm_login(user: Any, password: str = "", otp: str = "") -> bool:
    """The receiving user signs with their login: their password, or a current TOTP code."""
    if password and user.check_password(password):
        return True
    if otp:
        return any(
            device.verify_token(otp.strip())
            for device in TOTPDevice.objects.filter(user=user, confirmed=True)
        )
    return False


def get_exhibit(user: Any, case: Case, exhibit_id: int) -> Exhibit:
    exhibit = case.exhibits.filter(pk=exhibit_id).first()
    if exhibit is None:
        raise NotFound("exhibit not found")
    return exhibit


def receive_custody(
    user: Any,
    exhibit: Exhibit,
    *,
    purpose: str,
    password: str = "",
    otp: str = "",
    at: datetime | None = None,
) -> CustodyTransfer:
    """The user takes custody of the exhibit from its current holder, signing with their login."""
    case = exhibit.case
    if not reads_cases(user) or not access.is_visible(user, case):
        access.refuse(user, case, "custody", "case not visible")
    if not access.shared_for_writing(user, case):
        access.refuse(user, case, "custody", "the case was shared with your agency read-only")
    purpose = purpose.strip()
    if not purpose:
        raise InvalidInput("purpose: say why custody changes hands")
    if not confirm_login(user, password, otp):
        record(
            user,
            "exhibit.custody_refused",
            object_type="exhibit",
            object_id=exhibit.pk,
            details={"reason": "login confirmation failed"},
        )
        raise PermissionDenied("confirm with your password or a current authenticator code")
    with transaction.atomic():
        last = (
            Exhibit.objects.select_for_update()
            .get(pk=exhibit.pk)
            .transfers.order_by("-sequence")
            .first()
        )
        holder = last.to_holder if last else "seizure"
        if holder == user.get_username():
            raise InvalidInput("you already hold this exhibit")
        return _append_transfer(
            user, exhibit, from_holder=holder, purpose=purpose, at=at or timezone.now()
        )


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyReport:
    case: str
    exhibits: int
    files: int
    transfers: int
    first_break: str = ""

    @property
    def ok(self) -> bool:
        return not self.first_break


def _check_exhibit(exhibit: Exhibit, counts: dict[str, int]) -> str:
    label = f"exhibit {exhibit.number}"
    for stored in exhibit.files.all():
        counts["files"] += 1
        path = evidence_dir() / stored.stored_path
        if not path.is_file():
            return f"{label}: file {stored.name} is missing from the evidence store"
        actual = sha256_file(path)
        if actual != stored.sha256:
            return (
                f"{label}: file {stored.name} changed (SHA-256 {actual}, recorded {stored.sha256})"
            )
    transfers = list(exhibit.transfers.order_by("sequence"))
    if not transfers:
        return f"{label}: no custody record"
    digest = files_digest(exhibit)
    prev = GENESIS
    for expected, transfer in enumerate(transfers, start=1):
        counts["transfers"] += 1
        if transfer.sequence != expected:
            return f"{label}: custody transfer #{expected} is missing"
        if transfer.prev_hash != prev:
            return f"{label}: custody transfer #{expected} does not follow #{expected - 1}"
        if transfer_hash(exhibit, transfer, digest) != transfer.hash:
            return f"{label}: custody transfer #{expected} was altered"
        prev = transfer.hash
    if exhibit.custody_head != prev:
        return f"{label}: the latest custody transfer(s) after #{len(transfers)} are missing"
    audited = {
        (event.details or {}).get("hash")
        for event in AuditEvent.objects.filter(action=CUSTODY_ACTION, object_id=str(exhibit.pk))
    }
    known = {t.hash for t in transfers}
    if audited - known:
        return f"{label}: a custody transfer recorded in the audit log is missing"
    return ""


def verify_case(reference: str) -> VerifyReport:
    """Recompute every digital exhibit's hash and check every custody chain; first break named."""
    case = Case.objects.filter(reference=reference).first()
    if case is None:
        raise NotFound(f"no case {reference!r}")
    counts = {"files": 0, "transfers": 0}
    exhibits = list(case.exhibits.order_by("id"))
    for exhibit in exhibits:
        problem = _check_exhibit(exhibit, counts)
        if problem:
            return VerifyReport(
                reference, len(exhibits), counts["files"], counts["transfers"], problem
            )
    return VerifyReport(reference, len(exhibits), counts["files"], counts["transfers"])


# --- disclosure -------------------------------------------------------------------------------


def _redact(text: str, terms: redaction.Terms) -> str:
    return terms.redact(text)[0]


INDEX_HEADER = [
    "exhibit",
    "kind",
    "description",
    "seal",
    "file",
    "original_sha256",
    "disclosed",
    "disclosed_sha256",
    "redactions",
    "withheld_reason",
    "custody",
]


def _regions_by_file(
    case: Case, regions: list[tuple[str, str, redaction.Box]]
) -> dict[int, list[redaction.Box]]:
    """Rectangles keyed by exhibit file id; an unknown exhibit or file, or a non-image, is 422."""
    by_file: dict[int, list[redaction.Box]] = {}
    for number, name, box in regions:
        exhibit = case.exhibits.filter(number=number).first()
        if exhibit is None:
            raise InvalidInput(f"regions: the case has no exhibit {number!r}")
        item = exhibit.files.filter(name=name).first()
        if item is None:
            raise InvalidInput(f"regions: exhibit {number} has no file {name!r}")
        if not redaction.is_image_name(item.name):
            raise InvalidInput(f"regions: {name} is not a JPEG or PNG image")
        by_file.setdefault(item.pk, []).append(box)
    return by_file


def build_disclosure(
    user: Any,
    case: Case,
    *,
    redact: list[str] | None = None,
    regions: list[tuple[str, str, redaction.Box]] | None = None,
) -> DisclosureBundle:
    """A ZIP for the defence: an index of exhibits, their files and custody, redactions applied.

    Complainants' names are always redacted; ``redact`` adds terms. Redaction applies to the
    texts and inside the files (``usalama.cases.redaction``: terms in text-like files,
    ``regions`` blacked out in images, metadata stripped, a PDF that needs redaction
    withheld); the stored exhibit files are only read. The index keeps, per file, the
    original and the disclosed SHA-256 and what was redacted (counts, never values). The
    ZIP's own SHA-256 is stored and audited. Owner investigators and prosecutors who see the
    case may build one.
    """
    if not (
        access.owns(user, case)
        or (user.has_role("prosecutor") and access.shared_for_writing(user, case))
    ):
        access.refuse(user, case, "disclosure", "only the owner's investigators or a prosecutor")
    names = [p.name for p in case.parties.filter(role=Party.Role.COMPLAINANT)] + list(redact or [])
    terms = redaction.Terms(names)
    boxes = _regions_by_file(case, regions or [])
    rows = io.StringIO()
    writer = spreadsheets.writer(rows)
    writer.writerow(INDEX_HEADER)
    summary = {"unchanged": 0, "redacted": 0, "withheld": 0}
    per_file: list[dict[str, Any]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for exhibit in case.exhibits.order_by("id"):
            custody = " | ".join(
                f"#{t.sequence} {t.at:%Y-%m-%d %H:%M} {t.from_holder} -> {t.to_holder}"
                f" ({t.purpose})"
                for t in exhibit.transfers.order_by("sequence")
            )
            stored: list[ExhibitFile | None] = [*exhibit.files.order_by("id")] or [None]
            for item in stored:
                outcome = None
                if item is not None:
                    original = (evidence_dir() / item.stored_path).read_bytes()
                    if hashlib.sha256(original).hexdigest() != item.sha256:
                        raise IntegrityFailure(
                            f"exhibit {exhibit.number}: file {item.name} does not match its "
                            "recorded SHA-256; run usalama evidence verify"
                        )
                    outcome = redaction.redact_file(
                        item.name, original, terms, boxes.get(item.pk, [])
                    )
                    summary[outcome.disclosed] += 1
                    if outcome.content is not None:
                        bundle.writestr(f"files/{exhibit.number}/{item.name}", outcome.content)
                    per_file.append(
                        {
                            "exhibit": exhibit.number,
                            "file": item.name,
                            "disclosed": outcome.disclosed,
                            **outcome.counts,
                        }
                    )
                writer.writerow(
                    [
                        exhibit.number,
                        exhibit.kind,
                        _redact(exhibit.description, terms),
                        exhibit.seal_number,
                        _redact(item.name, terms) if item else "",
                        item.sha256 if item else "",
                        outcome.disclosed if outcome else "",
                        hashlib.sha256(outcome.content).hexdigest()
                        if outcome and outcome.content is not None
                        else "",
                        outcome.summary() if outcome else "",
                        outcome.reason if outcome else "",
                        _redact(custody, terms),
                    ]
                )
        offences = "; ".join(f"{o.statute} s. {o.section}" for o in case.offences.all())
        accused = "; ".join(p.name for p in case.parties.filter(role=Party.Role.ACCUSED))
        header = (
            f"Case {case.reference}: {_redact(case.title, terms)}\n"
            f"Court case: {case.court_case}\nOffences: {offences}\nAccused: {accused}\n"
            f"Summary: {_redact(case.summary, terms)}\n"
            f"Redactions applied: {len(names)} term(s), replaced by {redaction.MARK}; "
            f"{sum(len(b) for b in boxes.values())} image region(s) blacked out\n"
            f"Files: {summary['unchanged']} unchanged, {summary['redacted']} redacted, "
            f"{summary['withheld']} withheld (see index.csv: original and disclosed SHA-256, "
            "what was redacted, why a file was withheld)\n"
        )
        bundle.writestr("README.txt", header)
        bundle.writestr("index.csv", rows.getvalue())
    content = buffer.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    relative = Path("disclosures") / f"{case.reference}-{timezone.now():%Y%m%dT%H%M%S%f}.zip"
    target = evidence_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        with transaction.atomic():
            bundle_row = DisclosureBundle.objects.create(
                case=case,
                stored_path=str(relative),
                sha256=digest,
                redactions=[f"{len(names)} term(s)", *per_file],
                created_by=user.get_username(),
            )
            record(
                user,
                "case.disclosure",
                object_type="case",
                object_id=case.reference,
                details={
                    "sha256": digest,
                    "bytes": len(content),
                    "redactions": len(names),
                    "regions": sum(len(b) for b in boxes.values()),
                    "files": summary,
                },
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return bundle_row


def open_disclosure(user: Any, case: Case, bundle_id: int) -> tuple[DisclosureBundle, bytes]:
    """The stored bundle, re-checked against its recorded hash before it leaves. Audited."""
    if not (
        access.owns(user, case)
        or (user.has_role("prosecutor") and access.shared_for_writing(user, case))
    ):
        access.refuse(user, case, "disclosure", "only the owner's investigators or a prosecutor")
    bundle = case.disclosures.filter(pk=bundle_id).first()
    if bundle is None:
        raise NotFound("disclosure bundle not found")
    content = (evidence_dir() / bundle.stored_path).read_bytes()
    if hashlib.sha256(content).hexdigest() != bundle.sha256:
        raise IntegrityFailure(f"disclosure bundle {bundle.pk} does not match its recorded hash")
    record(
        user,
        "case.disclosure_download",
        object_type="case",
        object_id=case.reference,
        details={"bundle": bundle.pk, "sha256": bundle.sha256},
    )
    return bundle, content
