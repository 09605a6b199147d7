"""Search-as-you-type over 100,000 participants: the Participants screen's service against
raw SQLite FTS5, measured in the same run.

For every prefix of a few realistic names typed one character at a time, time
`list_participants(db, search=prefix)` (first page of 100, with its total: what the screen
shows) and, interleaved with it, the baseline: the raw FTS5 query on a plain sqlite3
connection with the same MATCH expression,

    SELECT rowid FROM participant_fts WHERE participant_fts MATCH ? LIMIT 100

Prints p50 and p95 of each and their ratios. Goal: p95 ratio <= 2x.

    python bench/search.py               # benchmark (builds bench/.work/scale100k.db once, ~35 s)
    python bench/search.py --verify      # check list_participants against the original SQL
    python bench/search.py --reps 5      # quicker, noisier
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import copy_database, median, percentile, ratio, scale_database, trash_copy  # noqa: E402

from fieldlog.schema import open_database  # noqa: E402
from fieldlog.services import participant_search as service  # noqa: E402
from fieldlog.text import fts_query  # noqa: E402

# What people type, with and without accents; every prefix is searched.
QUERIES = (
    "traore", "Traoré", "maïga", "maiga", "coulibaly a", "ouedraogo", "Ouédraogo",
    "diallo mariam", "keita moussa", "sangaré hawa", "aminata", "kabore",
)
# Also checked by --verify: odd input and the Trash.
EXTRA_QUERIES = (
    "", "   ", "-", "'", '"', "%", "*", "a b", "ag moh", "ould ahmed", "cheick oumar", "zz",
    "é", "ÉÉ", "mariama", "mariam", "ba", "fall", "sow", "o", "d", "m a", "traoré moussa", "x",
)
BASELINE_SQL = "SELECT rowid FROM participant_fts WHERE participant_fts MATCH ? LIMIT 100"

# list_participants as first written (before the plans were fixed), verbatim but for two things.
# The join keyword: JOIN is the original; CROSS JOIN only fixes the join order SQLite uses, the
# rows are the same, and it answers in milliseconds instead of seconds at 100,000 rows. And the
# index: `reference_fts`, made afresh from the participant table (every participant, as the
# first index was) by `add_reference_index`, so that the triggers that maintain participant_fts
# are checked too rather than trusted.
_REFERENCE_COLUMNS = """p.id, p.family_name, p.given_names, p.sex, p.function, p.country,
    COALESCE(NULLIF(a.acronym, ''), a.name, '') AS agency"""


def add_reference_index(conn: sqlite3.Connection) -> None:
    """A temporary FTS5 index of every participant, as migration 0001 first made it."""
    conn.execute("DROP TABLE IF EXISTS temp.reference_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE temp.reference_fts USING fts5(family_name, given_names, email, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "INSERT INTO temp.reference_fts(rowid, family_name, given_names, email) "
        "SELECT rowid, family_name, given_names, email FROM participant"
    )


def reference_page(conn: sqlite3.Connection, search: str, offset: int, limit: int, *, join: str = "CROSS JOIN"):
    match = fts_query(search)
    params = {"offset": offset, "limit": limit}
    if match:
        source = f"reference_fts f {join} participant p ON p.rowid = f.rowid"
        where = "reference_fts MATCH :match AND p.deleted = 0"
        params["match"] = match
    else:
        source = "participant p"
        where = "p.deleted = 0"
    total = conn.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT {_REFERENCE_COLUMNS} FROM {source} LEFT JOIN agency a ON a.id = p.agency_id "
        f"WHERE {where} ORDER BY p.sort_key, p.id LIMIT :limit OFFSET :offset",
        params,
    ).fetchall()
    return total, [(r[0], r[1], r[2], r[3], r[6], r[4], r[5]) for r in rows]


def check_index(conn: sqlite3.Connection, searches: list[str]) -> int:
    """participant_fts, kept by triggers, finds exactly the live participants that the fresh
    reference index finds, for every search; and FTS5 finds its own structure sound."""
    conn.execute("INSERT INTO participant_fts(participant_fts) VALUES ('integrity-check')")
    for search in searches:
        match = fts_query(search)
        if not match:
            continue
        got = {r for (r,) in conn.execute("SELECT rowid FROM participant_fts WHERE participant_fts MATCH ?", (match,))}
        expected = {r for (r,) in conn.execute(
            "SELECT f.rowid FROM reference_fts f CROSS JOIN participant p ON p.rowid = f.rowid "
            "WHERE reference_fts MATCH ? AND p.deleted = 0", (match,))}
        if got != expected:
            raise AssertionError(f"participant_fts, search {search!r}: {len(got - expected)} rowids too many, "
                                 f"{len(expected - got)} missing")
    return len(searches)


def service_page(db, search: str, offset: int, limit: int):
    page = service.list_participants(db, search=search, offset=offset, limit=limit)
    return page.total, [(r.id, r.family_name, r.given_names, r.sex, r.agency, r.function, r.country) for r in page.rows]


def prefixes(queries=QUERIES) -> list[str]:
    seen = []
    for query in queries:
        for end in range(1, len(query) + 1):
            if fts_query(query[:end]):
                seen.append(query[:end])
    return seen


def plan_name(db, search: str) -> str:
    """Which plan list_participants picks for the first page of `search`."""
    chosen = []
    choose = service._many
    service._many = lambda *args: chosen.append(choose(*args)) or chosen[-1]
    try:
        service.list_participants(db, search=search)
    finally:
        service._many = choose
    return "all" if not fts_query(search) else "none" if not chosen else "many" if chosen[0] else "few"


def kind(prefix: str) -> str:
    if " " in prefix.strip():
        return "two words"
    length = len(prefix.strip())
    return "1 letter" if length == 1 else "2-3 letters" if length <= 3 else "4+ letters"


# --- benchmark ---------------------------------------------------------------------------


def benchmark(path: Path, reps: int, seed: int, pragmas: list[str]) -> int:
    db = open_database(path)
    if pragmas:  # what-if: connection settings fieldlog.database does not make (yet)
        from sqlalchemy import event

        @event.listens_for(db.engine, "connect")
        def _extra(dbapi_connection, _record):
            for pragma in pragmas:
                dbapi_connection.execute(f"PRAGMA {pragma}")

        db.engine.dispose()
        print(f"service connections also run: {', '.join('PRAGMA ' + p for p in pragmas)}")
    raw = sqlite3.connect(path)
    typed = prefixes()
    matches = {p: fts_query(p) for p in typed}

    def run_service(prefix: str) -> None:
        service.list_participants(db, search=prefix)

    def run_raw(prefix: str) -> None:
        raw.execute(BASELINE_SQL, (matches[prefix],)).fetchall()

    for prefix in typed:  # warm the caches of both
        run_service(prefix)
        run_raw(prefix)
    times: dict[str, dict[str, list[float]]] = {"service": defaultdict(list), "raw": defaultdict(list)}
    rng = random.Random(seed)
    clock = time.perf_counter_ns
    for rep in range(reps):
        order = typed[:]
        rng.shuffle(order)
        gc.collect()
        gc.disable()
        try:
            for n, prefix in enumerate(order):
                pair = (("service", run_service), ("raw", run_raw))
                for name, run in pair if (rep + n) % 2 else pair[::-1]:
                    start = clock()
                    run(prefix)
                    times[name][prefix].append((clock() - start) / 1e6)
        finally:
            gc.enable()

    every = {name: [t for values in by_prefix.values() for t in values] for name, by_prefix in times.items()}
    s50, s95 = percentile(every["service"], 50), percentile(every["service"], 95)
    r50, r95 = percentile(every["raw"], 50), percentile(every["raw"], 95)
    participants = raw.execute("SELECT count(*) FROM participant WHERE deleted = 0").fetchone()[0]
    print(f"search-as-you-type over {participants:,} participants: {len(QUERIES)} names, "
          f"{len(typed)} prefixes, {reps} repetitions ({len(every['service']):,} calls each)")
    print(f"{'':34}{'p50':>10}{'p95':>10}")
    print(f"{'raw FTS5 MATCH ... LIMIT 100':34}{r50:8.2f}ms{r95:8.2f}ms   (baseline)")
    print(f"{'list_participants (page + total)':34}{s50:8.2f}ms{s95:8.2f}ms")
    print(f"{'ratio':34}{ratio(s50, r50):>10}{ratio(s95, r95):>10}   "
          f"goal p95 <= 2x: {'met' if s95 <= 2 * r95 else 'MISSED'}")

    print("\nby prefix (medians per call; ratio = service / raw):")
    groups: dict[str, list[str]] = defaultdict(list)
    for prefix in typed:
        groups[kind(prefix)].append(prefix)
    for group in ("1 letter", "2-3 letters", "4+ letters", "two words"):
        members = groups.get(group, [])
        if not members:
            continue
        svc = [t for p in members for t in times["service"][p]]
        base = [t for p in members for t in times["raw"][p]]
        print(f"  {group:12} {len(members):3} prefixes  service p50 {median(svc):6.2f} ms  "
              f"raw p50 {median(base):6.2f} ms  ratio {ratio(median(svc), median(base))}")
    slowest = sorted(typed, key=lambda p: -median(times["service"][p]))[:8]
    print("\nslowest prefixes:")
    for prefix in dict.fromkeys(slowest):
        page = service.list_participants(db, search=prefix)
        svc, base = median(times["service"][prefix]), median(times["raw"][prefix])
        print(f"  {prefix!r:17} {page.total:7,} matches  plan {plan_name(db, prefix):4}  "
              f"service {svc:6.2f} ms  raw {base:5.2f} ms  ratio {ratio(svc, base)}")

    first = []
    for _ in range(max(5, reps)):
        start = clock()
        service.list_participants(db)
        first.append((clock() - start) / 1e6)
    print(f"\nno search (the page F4 shows first): list_participants p50 {median(first):.2f} ms "
          f"= {ratio(median(first), r50)} the baseline p50")
    raw.close()
    db.close()
    return 0


# --- verification ------------------------------------------------------------------------


def verify_database(path: Path, *, join: str, searches: list[str], deep: bool = True) -> int:
    """Compare list_participants with the reference on every search, at several offsets,
    with the plan list_participants picks and with each plan forced. Returns comparisons."""
    db = open_database(path)
    conn = sqlite3.connect(path)
    add_reference_index(conn)
    check_index(conn, searches)
    original_many = service._many
    plans = {"chosen": original_many, "few": lambda *_: False, "many": lambda *_: True}
    checked = 0
    try:
        for search in searches:
            total, _ = reference_page(conn, search, 0, 1, join=join)
            offsets = {0, 100, max(0, total - 50), total, total + 10} if deep else {0, total}
            if deep and total > 1000:
                offsets |= {1000, total // 2}
            short = {0, total // 3, total // 7} if deep else {0}  # pages of 7: more page edges
            for offset in sorted(offsets | short):
                for limit in [100] * (offset in offsets) + [7] * (offset in short):
                    expected = reference_page(conn, search, offset, limit, join=join)
                    for name, many in plans.items():
                        service._many = many
                        got = service_page(db, search, offset, limit)
                        if got != expected:
                            raise AssertionError(
                                f"{path.name}: search {search!r} offset {offset} limit {limit} plan {name}: "
                                f"total {got[0]} vs {expected[0]}, "
                                f"{sum(a != b for a, b in zip(got[1], expected[1]))} rows differ, "
                                f"{len(got[1])} vs {len(expected[1])} rows"
                            )
                        checked += 1
    finally:
        service._many = original_many
        conn.close()
        db.close()
    return checked


# Names given by edited_copy, with and without accents, hyphens and apostrophes.
_NEW_FAMILY = ("Traoré", "Ouédraogo", "Maïga", "Sangaré", "Keïta", "Ag Mohamed", "Ould-Ahmed", "N'Diaye", "Zongo")
_NEW_GIVEN = ("Aïssata", "Moussa", "Mariam", "Hawa", "Cheick Oumar", "Fatoumata", "Éric", "")
EDIT_QUERIES = ("police", "gov", "ndiaye", "n'diaye", "ould-ahmed", "eric", "é", "zongo", "keita a", "mariam moussa")


def edited_copy(source: Path) -> Path:
    """A copy of `source` changed through the services, as people change records: names
    edited (accents added and removed, some twice), emails added, participants moved to the
    Trash, some of them restored, some renamed while in the Trash. Every change goes through
    the writer, hence through the triggers that keep participant_fts. Then namesakes of
    existing participants arrive with ids that sort before theirs (as records made in another
    office do), so that rowid order is not id order among equal names."""
    from fieldlog.models import Participant
    from fieldlog.services import participants, trash
    from fieldlog.services.writer import writing

    target = source.with_name(source.stem + "-edited.db")
    copy_database(source, target)
    db = open_database(target)
    try:
        with db.read() as session:
            ids = [r[0] for r in session.connection().exec_driver_sql(
                "SELECT id FROM participant WHERE deleted = 0 ORDER BY rowid")]

        def rename(n: int, pid: str, **extra) -> None:
            family, given = _NEW_FAMILY[n % len(_NEW_FAMILY)], _NEW_GIVEN[n % len(_NEW_GIVEN)]
            participants.update_participant(db, pid, family_name=family, given_names=given, **extra)

        for n, pid in enumerate(ids):
            if n % 37 == 0:
                rename(n, pid)
                if n % 74 == 0:
                    rename(n + 1, pid)
            elif n % 41 == 0:
                trash.delete_record(db, table="participant", record_id=pid)
                if n % 82 == 0:
                    rename(n, pid)
                if n % 3 == 0:
                    trash.restore_record(db, table="participant", record_id=pid)
            elif n % 43 == 0:
                rename(n, pid, email=f"agent{n}@police.gov.ml")
        with db.read() as session:
            namesakes = session.connection().exec_driver_sql(
                "SELECT family_name, given_names, sex FROM participant WHERE rowid % 13 = 0").all()
        with writing(db) as writer:
            for n, (family, given, sex) in enumerate(namesakes):
                writer.insert(Participant, {"id": f"00000000-0000-7000-8000-{n:012d}", "family_name": family,
                                            "given_names": given, "sex": sex})
    finally:
        db.close()
    return target


def verify(path: Path) -> int:
    searches = list(dict.fromkeys(prefixes() + list(EXTRA_QUERIES)))
    started = time.perf_counter()
    # 1. The verbatim original (JOIN) on a small database with a Trash: slow plans, small data.
    small = trash_copy(scale_database(1_000, quiet=False))
    n = verify_database(small, join="JOIN", searches=searches)
    print(f"{small.name}: {n:,} pages identical to the original SQL (JOIN)")
    edited = edited_copy(small)
    n = verify_database(edited, join="JOIN", searches=searches + list(EDIT_QUERIES))
    print(f"{edited.name}: {n:,} pages identical to the original SQL (JOIN)")
    # 2. The same SQL with its join order fixed, on 20,000 with a Trash, then edited, and on 100,000.
    medium = trash_copy(scale_database(20_000, quiet=False))
    n = verify_database(medium, join="CROSS JOIN", searches=searches)
    print(f"{medium.name}: {n:,} pages identical to the original SQL (CROSS JOIN)")
    edited = edited_copy(medium)
    n = verify_database(edited, join="CROSS JOIN", searches=searches + list(EDIT_QUERIES))
    print(f"{edited.name}: {n:,} pages identical to the original SQL (CROSS JOIN)")
    n = verify_database(path, join="CROSS JOIN", searches=searches)
    print(f"{path.name}: {n:,} pages identical to the original SQL (CROSS JOIN)")
    print(f"all identical; participant_fts finds what a fresh index finds ({time.perf_counter() - started:.0f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=100_000, help="participants in the database (100000)")
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    parser.add_argument("--reps", type=int, default=20, help="repetitions of every prefix (20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verify", action="store_true", help="check results against the original SQL instead")
    parser.add_argument("--pragma", action="append", default=[], metavar="SETTING",
                        help="what-if: run PRAGMA SETTING on the service's connections (cache_size=-65536)")
    args = parser.parse_args(argv)
    path = args.db or scale_database(args.scale)
    if args.verify:
        return verify(path)
    return benchmark(path, args.reps, args.seed, args.pragma)


if __name__ == "__main__":
    sys.exit(main())
