"""An office restored from a backup (docs/ARCHITECTURE.md §4.11).

Its next changes reuse sequence numbers that peers already hold for other entries: two versions
of one (office, seq). The rules, the same on every office whatever the order things arrive in:

- Of two versions at one (office, seq), the change log keeps the lower by (hlc, content).
- That office itself gives the other (the loser) a fresh number above every number of its own
  seen anywhere, as an entry with the same content and `restamp_of` = the clashing seq.
- Any other office keeps both versions aside (`clash_entry`) until that copy arrives, and a
  coordinator passes them on in every bundle, so that the origin sees both.
- A version whose content is held under another number of its office has been re-stamped: at the
  clashing number it is void, and gives way to the other version (or to a gap, filled by a resend).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

_FIELDS = ("office_id", "seq", "hlc", "table_name", "record_id", "op", "data", "author", "base", "restamp_of")
_SAME = ("hlc", "table_name", "record_id", "op", "data", "author", "base")
_SELECT = "SELECT " + ", ".join(_FIELDS) + " FROM change_log"
_INSERT = (
    "INSERT OR REPLACE INTO change_log (" + ", ".join(_FIELDS) + ") VALUES ("
    + ", ".join(":" + name for name in _FIELDS) + ")"
)
_ASIDE = (
    "INSERT OR IGNORE INTO clash_entry (digest, " + ", ".join(_FIELDS) + ") VALUES (:digest, "
    + ", ".join(":" + name for name in _FIELDS) + ")"
)


def _content(entry: dict) -> list:
    return [entry["hlc"], entry["table_name"], entry["record_id"], entry["op"], json.loads(entry["data"] or "{}"),
            entry["author"] or "", json.loads(entry["base"] or "{}")]


def digest(entry: dict) -> str:
    """What an entry says, whatever its number: equal for an entry and its re-stamped copy."""
    return hashlib.sha256(json.dumps(_content(entry), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _key(entry: dict) -> tuple:
    """Which of two versions keeps the number: the earlier stamp, then the content itself (not its
    hash, so that ties follow the time-ordered ids rather than chance)."""
    return tuple(json.dumps(part, sort_keys=True, ensure_ascii=False) if i >= 4 else part
                 for i, part in enumerate(_content(entry)))


def _rows(cursor, sql: str, params) -> list[dict]:
    return [dict(zip(_FIELDS, row)) for row in cursor.execute(sql, params).fetchall()]


def held_at(cursor, office: str, seq: int) -> dict | None:
    found = _rows(cursor, _SELECT + " WHERE office_id = ? AND seq = ?", (office, seq))
    return found[0] if found else None


def _held_elsewhere(cursor, entry: dict) -> bool:
    """The same content held under another number of the same office: a re-stamped copy."""
    same = digest(entry)
    return any(
        digest(row) == same
        for row in _rows(cursor, _SELECT + " WHERE hlc = ? AND office_id = ? AND record_id = ? AND seq != ?",
                         (entry["hlc"], entry["office_id"], entry["record_id"], entry["seq"]))
    )


def entry_digest_at(cursor, office: str, seq: int) -> str | None:
    row = held_at(cursor, office, seq)
    return digest(row) if row else None


@dataclass
class Clashes:
    """What one import found about clashing numbers; `top` is the highest stamp it put in the log."""

    me: str
    restamped: set[str] = field(default_factory=set)  # offices with re-stamped copies here
    losers: list[dict] = field(default_factory=list)  # own versions to give a fresh number
    top: int = 0
    changed: bool = False

    @classmethod
    def start(cls, cursor, me: str) -> Clashes:
        offices = {o for (o,) in cursor.execute("SELECT DISTINCT office_id FROM change_log WHERE restamp_of > 0")}
        return cls(me=me, restamped=offices)

    def _affect(self, cursor, entry: dict) -> None:
        cursor.execute("INSERT OR IGNORE INTO sync_affected (table_name, record_id) VALUES (?, ?)",
                       (entry["table_name"], entry["record_id"]))

    def _put(self, cursor, entry: dict) -> None:
        cursor.execute(_INSERT, {name: entry.get(name, 0) for name in _FIELDS})
        self.top = max(self.top, entry["hlc"])
        self.changed = True
        self._affect(cursor, entry)

    def arrived(self, cursor, entry: dict) -> int:
        """A new entry was staged: a copy voids the original it re-stamps; an original already
        re-stamped here gives way at once (returns 1: nothing new)."""
        if entry.get("restamp_of"):
            self.restamped.add(entry["office_id"])
            original = held_at(cursor, entry["office_id"], entry["restamp_of"])
            if original is not None and digest(original) == digest(entry):
                self._void(cursor, original)
        elif entry["office_id"] in self.restamped and _held_elsewhere(cursor, entry):
            changed = self.changed
            self._void(cursor, entry)
            self.changed = changed
            return 1
        return 0

    def _void(self, cursor, entry: dict) -> None:
        cursor.execute("DELETE FROM change_log WHERE office_id = ? AND seq = ?", (entry["office_id"], entry["seq"]))
        self._affect(cursor, entry)
        self.changed = True
        others = [row for row in _rows(cursor, "SELECT " + ", ".join(_FIELDS) + " FROM clash_entry "
                                       "WHERE office_id = ? AND seq = ?", (entry["office_id"], entry["seq"]))
                  if not _held_elsewhere(cursor, row)]
        if others:
            self._put(cursor, min(others, key=_key))

    def held(self, cursor, entry: dict) -> bool:
        """The entry's (office, seq) is already held: a clash when the content differs. True when
        the log changed."""
        held = held_at(cursor, entry["office_id"], entry["seq"])
        if held is None or all(held[name] == entry[name] for name in _SAME) or digest(held) == digest(entry):
            return False  # the common case, a re-import: the same entry, compared without hashing
        if _held_elsewhere(cursor, entry):
            return False
        if _held_elsewhere(cursor, held):  # the held version was re-stamped already: it gives way
            self._void(cursor, held)
            if held_at(cursor, entry["office_id"], entry["seq"]) is None:
                self._put(cursor, entry)
            return True
        winner, loser = sorted((held, entry), key=_key)
        if winner is entry:
            self._put(cursor, entry)
            self._affect(cursor, held)
        if entry["office_id"] == self.me:
            self.losers.append(loser)
        else:
            for version in (held, entry):
                cursor.execute(_ASIDE, {**version, "digest": digest(version), "restamp_of": version.get("restamp_of", 0)})
        return winner is entry or entry["office_id"] == self.me

    def finish(self, cursor, seq_last: int, seen: dict) -> int:
        """After staging a bundle: this office's sequence moves past every number of its own held
        here or seen by the sender; losing versions of its own entries get fresh numbers above."""
        own_top = cursor.execute("SELECT max(seq) FROM change_log WHERE office_id = ?", (self.me,)).fetchone()[0] or 0
        seen_top = seen.get(self.me, 0) if isinstance(seen.get(self.me, 0), int) else 0
        seq = max(seq_last, own_top, seen_top)
        for loser in self.losers:
            held = cursor.execute(_SELECT + " WHERE office_id = ? AND hlc = ? AND record_id = ?",
                                  (self.me, loser["hlc"], loser["record_id"])).fetchall()
            if any(digest(dict(zip(_FIELDS, row))) == digest(loser) for row in held):
                continue  # already held under a number of its own
            seq += 1
            self._put(cursor, {**loser, "seq": seq, "restamp_of": loser["seq"]})
            self.restamped.add(self.me)
        self.losers.clear()
        self._tidy(cursor)
        return seq

    def _tidy(self, cursor) -> None:
        """Versions kept aside are dropped once settled: held here under a number of their own, or
        held at their number while a re-stamped copy shows the origin has settled that number."""
        for row in _rows(cursor, "SELECT " + ", ".join(_FIELDS) + " FROM clash_entry", ()):
            at_number = held_at(cursor, row["office_id"], row["seq"])
            settled = cursor.execute(
                "SELECT 1 FROM change_log WHERE office_id = ? AND restamp_of = ? LIMIT 1", (row["office_id"], row["seq"])
            ).fetchone()
            if _held_elsewhere(cursor, row) or (settled and at_number and digest(at_number) == digest(row)):
                cursor.execute("DELETE FROM clash_entry WHERE office_id = ? AND seq = ? AND digest = ?",
                               (row["office_id"], row["seq"], digest(row)))


def trusted_seen(cursor, manifest: dict, seen: dict[str, int], me: str, seq_before: int) -> dict[str, int]:
    """The sender's version vector as an acknowledgement, except where it cannot be trusted: it has
    seen more of this office than this office held (a restore), or its entry at the top differs from
    ours. There the acknowledgement drops to 0, so that the next bundle to it carries every entry of
    that office and each clash shows."""
    digests = manifest.get("seen_digest")
    digests = digests if isinstance(digests, dict) else {}
    trusted = dict(seen)
    for office, top in seen.items():
        if office == me and top > seq_before:
            trusted[office] = 0
            continue
        stated = digests.get(office)
        if isinstance(stated, str) and top:
            ours = entry_digest_at(cursor, office, top)
            if ours is not None and ours != stated:
                trusted[office] = 0
    return trusted


def aside_rows(connection) -> list:
    """Versions kept aside, to pass on (a coordinator's bundles)."""
    return connection.exec_driver_sql("SELECT " + ", ".join(_FIELDS) + " FROM clash_entry ORDER BY office_id, seq").fetchall()
