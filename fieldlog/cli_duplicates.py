"""`fieldlog duplicates list|merge|unmerge|dismiss`: probable duplicates, for scripts."""

from __future__ import annotations

import json

from fieldlog.i18n import _
from fieldlog.cli_common import open_from_args, whole_number


def register(commands, common) -> None:
    duplicates = commands.add_parser(
        "duplicates", help=_("probable duplicate participants or agencies: list, merge, undo, dismiss")
    )
    common(duplicates, top=False)
    actions = duplicates.add_subparsers(dest="duplicates_command", metavar=_("ACTION"), required=True)
    table_help = _("participant or agency (plurals too)")

    listing = actions.add_parser("list", help=_("probable duplicate pairs, most probable first"))
    common(listing, top=False)
    listing.add_argument("table", metavar=_("TABLE"), help=table_help)
    listing.add_argument("--json", action="store_true", help=_("a JSON array, for scripts"))
    listing.add_argument("--limit", type=whole_number, default=None, metavar="N", help=_("at most N pairs (default 200)"))
    listing.set_defaults(handler=cmd_list)

    merge = actions.add_parser("merge", help=_("record that FROM_ID is the same as INTO_ID"))
    common(merge, top=False)
    merge.add_argument("table", metavar=_("TABLE"), help=table_help)
    merge.add_argument("from_id", metavar=_("FROM_ID"), help=_("the duplicate, which will count as INTO_ID"))
    merge.add_argument("into_id", metavar=_("INTO_ID"), help=_("the record that stays"))
    merge.set_defaults(handler=cmd_merge)

    unmerge = actions.add_parser("unmerge", help=_("undo the merge of FROM_ID"))
    common(unmerge, top=False)
    unmerge.add_argument("table", metavar=_("TABLE"), help=table_help)
    unmerge.add_argument("from_id", metavar=_("FROM_ID"), help=_("the record that was merged away"))
    unmerge.set_defaults(handler=cmd_unmerge)

    dismiss = actions.add_parser("dismiss", help=_("record that two records are different: no longer proposed"))
    common(dismiss, top=False)
    dismiss.add_argument("table", metavar=_("TABLE"), help=table_help)
    dismiss.add_argument("first_id", metavar=_("ID"))
    dismiss.add_argument("second_id", metavar=_("ID"))
    dismiss.set_defaults(handler=cmd_dismiss)


def cmd_list(args) -> int:
    from fieldlog.services.duplicates import DEFAULT_LIMIT, REASONS, candidate_pairs, table_of

    table = table_of(args.table)  # before opening the database: a typo says so at once
    pairs = candidate_pairs(open_from_args(args), table=table, limit=DEFAULT_LIMIT if args.limit is None else args.limit)
    if args.json:
        print(json.dumps(
            [
                {"table": p.table, "first_id": p.first_id, "second_id": p.second_id, "first_name": p.first_name,
                 "second_name": p.second_name, "score": p.score, "reasons": list(p.reasons)}
                for p in pairs
            ],
            ensure_ascii=False,
        ))
        return 0
    if not pairs:
        print(_("No probable duplicates."))
    for p in pairs:
        why = ", ".join(_(REASONS[code]) for code in p.reasons)
        print(f"{p.score:>3}  {p.first_name} ({p.first_id})  ~  {p.second_name} ({p.second_id})  [{why}]")
    return 0


def cmd_merge(args) -> int:
    from fieldlog.services.duplicates import describe_record, merge_records

    db = open_from_args(args)
    merge_records(db, table=args.table, from_id=args.from_id, into_id=args.into_id)
    print(_("“{name}” is merged into “{other}”: it counts as “{other}” from now on.").format(
        name=describe_record(db, table=args.table, record_id=args.from_id),
        other=describe_record(db, table=args.table, record_id=args.into_id),
    ))
    return 0


def cmd_unmerge(args) -> int:
    from fieldlog.services.duplicates import describe_record, unmerge_records

    db = open_from_args(args)
    unmerge_records(db, table=args.table, from_id=args.from_id)
    print(_("“{name}” is a separate record again.").format(
        name=describe_record(db, table=args.table, record_id=args.from_id)))
    return 0


def cmd_dismiss(args) -> int:
    from fieldlog.services.duplicates import describe_record, dismiss_pair

    db = open_from_args(args)
    dismiss_pair(db, table=args.table, first_id=args.first_id, second_id=args.second_id)
    print(_("“{first}” and “{second}” are different: they will no longer be proposed as duplicates.").format(
        first=describe_record(db, table=args.table, record_id=args.first_id),
        second=describe_record(db, table=args.table, record_id=args.second_id),
    ))
    return 0
