"""`fieldlog clock show|repair`: this office's clock, and bringing back one pushed ahead (docs/ARCHITECTURE.md §4.10)."""

from __future__ import annotations

import json
import sys

from fieldlog.cli_common import open_from_args
from fieldlog.errors import FieldlogError
from fieldlog.i18n import _


def register(commands, common) -> None:
    clock = commands.add_parser("clock", help=_("this office's clock: see it, or repair one pushed ahead"))
    common(clock, top=False)
    actions = clock.add_subparsers(dest="clock_action", metavar=_("ACTION"), required=True)

    show = actions.add_parser("show", help=_("this computer's clock, this office's clock and how far ahead it is"))
    common(show, top=False)
    show.add_argument("--json", action="store_true", help=_("one JSON object, for scripts"))
    show.set_defaults(handler=cmd_show)

    repair = actions.add_parser("repair", help=_("bring back a clock pushed ahead by changes stamped in the future"))
    common(repair, top=False)
    repair.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    repair.set_defaults(handler=cmd_repair)


def cmd_show(args) -> int:
    from fieldlog.hlc import unpack
    from fieldlog.sync.clock_bound import clock_notice, describe_ahead, format_millis, read_clock

    state = read_clock(open_from_args(args))
    if args.json:
        print(json.dumps({"wall_millis": state.wall, "hlc": state.hlc, "top_hlc": state.top,
                          "ahead_millis": state.ahead_ms, "changes_ahead": state.ahead_entries,
                          "own_changes_ahead": state.own_ahead, "wrong": state.wrong}))
        return 0
    millis, counter = unpack(state.hlc)
    print(_("This computer's clock: {moment}").format(moment=format_millis(state.wall)))
    print(_("This office's clock: {moment} (counter {counter})").format(moment=format_millis(millis), counter=counter))
    if state.ahead_ms > 0:
        print(_("Ahead of this computer's clock by: {ahead}").format(ahead=describe_ahead(state.ahead_ms)))
    print(_("Changes stamped more than a day ahead: {count} (made by this office: {own})").format(
        count=state.ahead_entries, own=state.own_ahead))
    print(clock_notice(state) or _("The clocks agree: nothing to repair."))
    return 0


def cmd_repair(args) -> int:
    from fieldlog.sync.clock_bound import describe_ahead, format_millis, read_clock, repair_clock

    db = open_from_args(args)
    state = read_clock(db)
    if state.wall_implausible:
        raise FieldlogError(_("This computer's clock says {now}: correct its date and time first; nothing was "
                              "changed.").format(now=format_millis(state.wall)))
    if not state.wrong:
        print(_("The clocks agree: nothing to repair."))
        return 0
    print(_("This computer's clock says {now}; this office's clock is {ahead} ahead of it. Changes stamped more "
            "than a day ahead: {count} (made by this office: {own}).").format(
        now=format_millis(state.wall), ahead=describe_ahead(state.ahead_ms), count=state.ahead_entries,
        own=state.own_ahead))
    print(_("If this computer's date is wrong, answer no and correct it instead. The repair moves those changes "
            "before every other change (any later change wins over them), writes again, with today's stamps, the "
            "values this office's own such changes held, and brings this office's clock back to this computer's."))
    if not args.yes:
        if not sys.stdin.isatty():
            raise FieldlogError(_("Repairing the clock is confirmed on a terminal, or with --yes."))
        answer = input(_("Repair the clock? (y/n) "))
        if answer.strip().lower() not in ("y", "yes", "o", "oui"):
            print(_("Nothing was changed."))
            return 1
    result = repair_clock(db, now_millis=state.wall)
    print(_("Clock repaired. Changes moved back: {restamped}; values written again: {rewritten}. Send a bundle to "
            "the other offices; any of them whose clock was pushed ahead too runs 'fieldlog clock repair'.").format(
        restamped=result.restamped, rewritten=result.rewritten))
    return 0
