"""A bundle's manifest in words, for `fieldlog bundle inspect` and the Sync screen."""

from __future__ import annotations

from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _
from fieldlog.keys.trust import describe_status
from fieldlog.sync.sealed import SEALED_FORMAT

TABLE_LABELS = {
    "office": N_("Offices"), "agency": N_("Agencies"), "participant": N_("Participants"),
    "workshop": N_("Workshops"), "enrolment": N_("Enrolments"), "attendance": N_("Attendance marks"),
    "outcome": N_("Outcomes"), "outcome_workshop": N_("Outcome–workshop links"),
    "outcome_agency": N_("Outcome–agency links"), "indicator": N_("Indicators"),
    "duplicate_decision": N_("Duplicate decisions"),
}


def describe_envelope(envelope, keyring) -> list[str]:
    """What anyone can read of a sealed bundle: its format and who can open it."""
    by_fingerprint = {key.fingerprint: key for key in keyring.all().values()}
    lines = [
        _("Bundle format {version}: signed and encrypted.").format(version=SEALED_FORMAT),
        _("It can be opened only with the keys of:"),
    ]
    for fingerprint in envelope.recipients:
        key = by_fingerprint.get(fingerprint)
        lines.append(f"  {fingerprint}  {key.code if key else _('(an office unknown here)')}")
    return lines


def describe_bundle(manifest: dict, *, signer=None) -> list[str]:
    to = manifest.get("to_code")
    lines = [
        _("Bundle {id}").format(id=manifest.get("bundle_id")),
        _("From office: {code}").format(code=manifest.get("origin_code")),
    ]
    if signer is not None:
        lines.append(_("Signed by: {office}, fingerprint {fingerprint} ({status})").format(
            office=signer.code, fingerprint=signer.fingerprint, status=describe_status(signer)))
    lines += [
        _("For: {target}").format(target=to if to else _("any office (full bundle)")),
        _("Made: {when} by fieldlog {version}, schema {revision}").format(
            when=manifest.get("created_at"), version=manifest.get("fieldlog_version"),
            revision=manifest.get("schema_revision"),
        ),
        _("Changes: {n}").format(n=format_number(manifest.get("entries", 0))),
    ]
    for table, count in sorted(manifest.get("counts", {}).items()):
        label = _(TABLE_LABELS[table]) if table in TABLE_LABELS else table
        lines.append(f"  {label:<24} {format_number(count):>10}")
    payload = manifest.get("payload", {})
    lines.append(_("Size: {packed} bytes ({expanded} expanded), SHA-256 {digest}").format(
        packed=format_number(payload.get("bytes", 0)), expanded=format_number(payload.get("uncompressed_bytes", 0)),
        digest=str(payload.get("sha256", ""))[:16] + "…",
    ))
    lines.append(_("Offices it has received from: {n}").format(n=len(manifest.get("seen", {}))))
    return lines
