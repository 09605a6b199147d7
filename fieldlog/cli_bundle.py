"""`fieldlog bundle export|import|inspect`: sync between offices by files."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

from fieldlog.cli_common import open_from_args
from fieldlog.cli_keys import unlock
from fieldlog.i18n import _, ngettext


def register(commands, common) -> None:
    bundle = commands.add_parser("bundle", help=_("exchange changes with other offices as bundle files"))
    common(bundle, top=False)
    actions = bundle.add_subparsers(dest="bundle_action", metavar=_("ACTION"), required=True)

    export = actions.add_parser("export", help=_("write what another office has not yet acknowledged"))
    common(export, top=False)
    export.add_argument("--out", required=True, metavar=_("PATH"), help=_("file to write, or a folder (a USB stick)"))
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", metavar=_("OFFICE"), help=_("code or id of the office the bundle is for"))
    target.add_argument("--full", action="store_true", help=_("everything, for a new office"))
    export.set_defaults(handler=cmd_export)

    load = actions.add_parser("import", help=_("apply bundles from other offices"))
    common(load, top=False)
    load.add_argument("files", nargs="+", metavar=_("FILE"))
    load.add_argument("--json", action="store_true", help=_("one JSON object per bundle, for scripts"))
    load.set_defaults(handler=cmd_import)

    inspect = actions.add_parser("inspect", help=_("show what a bundle holds, without importing it"))
    common(inspect, top=False)
    inspect.add_argument("file", metavar=_("FILE"))
    inspect.add_argument("--json", action="store_true", help=_("the manifest as JSON"))
    inspect.set_defaults(handler=cmd_inspect)


@contextmanager
def _progress_bar(label: str):
    """A progress bar on a terminal; nothing in a script."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=max(total, 1))


def cmd_export(args) -> int:
    from fieldlog.sync.export import export_bundle

    db = open_from_args(args)
    secret = unlock(db)
    with _progress_bar(_("Exporting")) as progress:
        summary = export_bundle(db, out=Path(args.out), to=args.to, full=args.full, progress=progress, secret=secret)
    count = ngettext("{n} change", "{n} changes", summary.entries).format(n=summary.entries)
    if summary.full:
        print(_("Full bundle written to {path}: {count}.").format(path=summary.path, count=count))
    else:
        print(_("Bundle for {office} written to {path}: {count} it has not acknowledged.").format(
            office=summary.to_code, path=summary.path, count=count))
        print(_("Changes count as delivered only when {office} sends a bundle back.").format(
            office=summary.to_code), file=sys.stderr)
    return 0


def cmd_import(args) -> int:
    from fieldlog.sync.importer import as_json, import_bundles, summary_lines

    db = open_from_args(args)
    secret = unlock(db)
    with _progress_bar(_("Importing")) as progress:
        summaries = import_bundles(db, args.files, progress=progress, secret=secret)
    for summary in summaries:
        if args.json:
            print(json.dumps(as_json(summary)))
        else:
            for line in summary_lines(summary):
                print(line)
    return 0


def cmd_inspect(args) -> int:
    from fieldlog.keys.keyring import load_keyring
    from fieldlog.sync.importer import check_bundle
    from fieldlog.sync.inspect import describe_bundle, describe_envelope
    from fieldlog.sync.sealed import NotForThisOffice, read_envelope

    db = open_from_args(args)
    path = Path(args.file).expanduser()
    envelope = read_envelope(path) if path.is_file() else None
    keyring = load_keyring(db, secret=unlock(db))
    try:
        bundle = check_bundle(path, keyring)
    except NotForThisOffice:
        assert envelope is not None
        print("\n".join(describe_envelope(envelope, keyring)))
        raise
    if args.json:
        print(json.dumps(bundle.manifest, indent=2, ensure_ascii=False, sort_keys=True))
    else:
        print("\n".join(describe_bundle(bundle.manifest, signer=bundle.signer)))
    return 0
