"""`fieldlog keys show|export|import|trust|revoke|passphrase|role|renew`: who signs and who may read bundles."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from fieldlog.cli_common import open_from_args
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _

PASSPHRASE_ENV = "FIELDLOG_PASSPHRASE"


def register(commands, common) -> None:
    keys = commands.add_parser("keys", help=_("this office's keys, and the offices it trusts"))
    common(keys, top=False)
    actions = keys.add_subparsers(dest="keys_action", metavar=_("ACTION"), required=True)

    show = actions.add_parser("show", help=_("this office's fingerprint and every office key known here"))
    common(show, top=False)
    show.set_defaults(handler=cmd_show)

    export = actions.add_parser("export", help=_("write this office's public key, for other offices"))
    common(export, top=False)
    export.add_argument("--out", required=True, metavar=_("PATH"), help=_("file to write, or a folder (a USB stick)"))
    export.set_defaults(handler=cmd_export)

    load = actions.add_parser("import", help=_("add other offices' public keys (not trusted until you say so)"))
    common(load, top=False)
    load.add_argument("files", nargs="+", metavar=_("FILE"))
    load.set_defaults(handler=cmd_import)

    trust = actions.add_parser("trust", help=_("trust an office's key, once its fingerprint is compared"))
    common(trust, top=False)
    trust.add_argument("office", metavar=_("OFFICE"), help=_("office code, or the first digits of the fingerprint"))
    trust.add_argument("--fingerprint", metavar=_("DIGITS"),
                       help=_("the fingerprint the office read to you; refused if it differs"))
    trust.add_argument("--as", dest="role", choices=("office", "coordinator"),
                       help=_("its role here (default: the one in its key)"))
    trust.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    trust.set_defaults(handler=cmd_trust)

    revoke = actions.add_parser("revoke", help=_("refuse an office's bundles from now on (a lost or stolen laptop)"))
    common(revoke, top=False)
    revoke.add_argument("office", metavar=_("OFFICE"), help=_("office code, or the first digits of the fingerprint"))
    revoke.set_defaults(handler=cmd_revoke)

    passphrase = actions.add_parser("passphrase", help=_("protect this office's private keys with a passphrase, or change it"))
    common(passphrase, top=False)
    passphrase.add_argument("--remove", action="store_true", help=_("remove the passphrase"))
    passphrase.set_defaults(handler=cmd_passphrase)

    role = actions.add_parser("role", help=_("make this office a coordinator, or an office again"))
    common(role, top=False)
    role.add_argument("role", choices=("office", "coordinator"))
    role.set_defaults(handler=cmd_role)

    renew = actions.add_parser("renew", help=_("new keys for this office, when its private keys may have been stolen"))
    common(renew, top=False)
    renew.add_argument("--passphrase", action="store_true",
                       help=_("protect the new keys with a passphrase (asked; kept if the old keys had one)"))
    renew.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    renew.set_defaults(handler=cmd_renew)


def ask_passphrase(prompt: str) -> str | None:
    """$FIELDLOG_PASSPHRASE for scripts, else a question on the terminal."""
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(prompt)


def new_passphrase() -> str:
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise FieldlogError(_("A passphrase is asked on a terminal, or given in ${env}.").format(env=PASSPHRASE_ENV))
    first = getpass.getpass(_("New passphrase: "))
    if len(first) < 8:
        raise FieldlogError(_("A passphrase has at least 8 characters."))
    if getpass.getpass(_("The same passphrase again: ")) != first:
        raise FieldlogError(_("The two passphrases differ; nothing was changed."))
    return first


def unlock(db):
    """This office's private keys, asking for the passphrase if they are protected."""
    from fieldlog.keys.material import PassphraseRequired
    from fieldlog.keys.trust import keys_are_protected, load_secret

    if not keys_are_protected(db):
        return load_secret(db)
    passphrase = ask_passphrase(_("Passphrase of this office's keys: "))
    if not passphrase:
        raise PassphraseRequired(_(
            "This office's keys are protected by a passphrase: type it when asked, or set ${env}."
        ).format(env=PASSPHRASE_ENV))
    return load_secret(db, passphrase)


def _line(key) -> str:
    from fieldlog.keys.trust import describe_role, describe_status

    return f"  {key.code:<8} {key.fingerprint}  {describe_role(key.public.role):<12} {describe_status(key)}"


def cmd_show(args) -> int:
    from fieldlog.keys.trust import OWN, keys_are_protected, list_keys, own_key, own_keys_folder

    db = open_from_args(args)
    own = own_key(db)
    print(_("This office: {code} — {name} ({role})").format(
        code=own.code, name=own.public.name, role=_("coordinator") if own.public.role == "coordinator" else _("office")))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=own.fingerprint))
    print(_("Private keys: {folder} ({protection})").format(
        folder=own_keys_folder(db),
        protection=_("protected by a passphrase") if keys_are_protected(db) else _("no passphrase")))
    others = [key for key in list_keys(db) if key.status != OWN]
    if others:
        print(_("Other offices:"))
        for key in others:
            print(_line(key))
    else:
        print(_("No other office's key yet: import one with 'fieldlog keys import FILE'."))
    return 0


def cmd_export(args) -> int:
    from fieldlog.keys.trust import export_card, own_key

    db = open_from_args(args)
    path = export_card(db, Path(args.out))
    own = own_key(db)
    print(_("Public key of {office} written to {path}. It holds no secret: give it to the other office, then "
            "read them this fingerprint by phone: {fingerprint}").format(
        office=own.code, path=path, fingerprint=own.fingerprint))
    return 0


def cmd_import(args) -> int:
    from fieldlog.keys.trust import PENDING, import_card

    db = open_from_args(args)
    for file in args.files:
        key, new = import_card(db, file)
        if not new and key.status != PENDING:
            print(_("{office}: this key was already here ({status}).").format(office=key.code, status=_line(key).strip()))
            continue
        print(_("Key of {office} ({name}) imported; not trusted yet. Fingerprint: {fingerprint}").format(
            office=key.code, name=key.public.name, fingerprint=key.fingerprint))
        print(_("Call {office} and compare the fingerprint; if it is the same: fieldlog keys trust {office}").format(
            office=key.code))
    return 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def cmd_trust(args) -> int:
    from fieldlog.keys.trust import all_keys, key_to_trust, trust_key

    db = open_from_args(args)
    with db.read() as session:
        key = key_to_trust(all_keys(session), args.office)
    if args.fingerprint is not None:
        if _digits(args.fingerprint) != _digits(key.fingerprint):
            raise FieldlogError(_("The fingerprint differs from that of the key of {office} ({fingerprint}): it is "
                                  "not trusted. Someone may have changed the key file on the way.").format(
                office=key.code, fingerprint=key.fingerprint))
    elif not args.yes:
        if not sys.stdin.isatty():
            raise FieldlogError(_("Give --fingerprint (what the office read to you) or --yes."))
        print(_("Fingerprint of {office}: {fingerprint}").format(office=key.code, fingerprint=key.fingerprint))
        answer = input(_("Is it the fingerprint {office} reads to you? (y/n) ").format(office=key.code))
        if answer.strip().lower() not in ("y", "yes", "o", "oui"):
            print(_("Not trusted."))
            return 1
    trusted = trust_key(db, key.key_id, role=args.role)
    if trusted.public.role == "coordinator":
        print(_("{office} is trusted, as a coordinator: it may pass on other offices' changes and vouch for their "
                "keys, and every bundle is encrypted for it too.").format(office=trusted.code))
    else:
        print(_("{office} is trusted: its bundles are accepted, and bundles can be encrypted for it.").format(
            office=trusted.code))
    return 0


def cmd_revoke(args) -> int:
    from fieldlog.keys.trust import revoke_key

    db = open_from_args(args)
    key = revoke_key(db, args.office)
    print(_("The key of {office} is revoked: its bundles are refused from now on, and nothing more is encrypted "
            "for it. A coordinator passes the revocation on in its bundles.").format(office=key.code))
    return 0


def cmd_passphrase(args) -> int:
    from fieldlog.keys.trust import keys_are_protected, set_passphrase

    db = open_from_args(args)
    old = None
    if keys_are_protected(db):
        old = ask_passphrase(_("Current passphrase: "))
    if args.remove:
        set_passphrase(db, old=old, new=None)
        print(_("The passphrase is removed: the private keys are protected by the file's permissions only."))
    else:
        set_passphrase(db, old=old, new=new_passphrase())
        print(_("The private keys are protected by the passphrase; it is asked to export and import bundles."))
    return 0


def cmd_role(args) -> int:
    from fieldlog.keys.trust import set_own_role

    db = open_from_args(args)
    key = set_own_role(db, args.role)
    if key.public.role == "coordinator":
        print(_("{office} is a coordinator: its bundles pass on other offices' changes and the list of offices it "
                "trusts. Other offices trust it as one with: fieldlog keys trust {office} --as coordinator").format(
            office=key.code))
    else:
        print(_("{office} is an office: its bundles carry its own changes only.").format(office=key.code))
    return 0


def cmd_renew(args) -> int:
    from fieldlog.keys.trust import keys_are_protected, own_key, renew_own_keys

    db = open_from_args(args)
    old = own_key(db)
    if not args.yes:
        if not sys.stdin.isatty():
            raise FieldlogError(_("Renewing the keys is confirmed on a terminal, or with --yes."))
        print(_("New keys for {office}: the old key is retired and deleted, and every other office must import and "
                "trust the new one, comparing its fingerprint, before it accepts this office's bundles again.").format(
            office=old.code))
        answer = input(_("Make new keys? (y/n) "))
        if answer.strip().lower() not in ("y", "yes", "o", "oui"):
            print(_("Nothing was changed."))
            return 1
    passphrase = new_passphrase() if args.passphrase or keys_are_protected(db) else None
    old, new = renew_own_keys(db, passphrase=passphrase)
    print(_("New keys for {office}. Old fingerprint (retired): {old}").format(office=new.code, old=old.fingerprint))
    print(_("New fingerprint: {new}").format(new=new.fingerprint))
    print(_("Send the new key file (fieldlog keys export) to the other offices and read them the new fingerprint. "
            "If the old keys may have been stolen, they revoke the old key: fieldlog keys revoke \"{old}\"").format(
        old=old.fingerprint))
    return 0
