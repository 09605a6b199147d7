"""Duplicate candidates over 100,000 participants: `candidate_pairs` against the plain read of
the columns it needs, measured in the same run.

The baseline is what any matching must do at least: read every live participant's name key,
sex, agency, country, phone and e-mail on a plain sqlite3 connection,

    SELECT id, sort_key, sex, agency_id, country, phone, email FROM participant WHERE deleted = 0

`candidate_pairs(db, table="participant")` reads the same, makes name keys, blocks, compares
with rapidfuzz, scores and returns the 200 most probable pairs with their names. The two
alternate, `--reps` times each; prints medians and the ratio.

On a copy, `--inject K` duplicates of random participants are added the way two offices make
them (word order swapped, accents dropped, capitals, a letter missing from the given name, the
same phone written differently), then it reports how many of those K pairs are found, and the
time again on that copy (more pairs to score).

    python bench/duplicates.py                  # builds bench/.work/scale100k.db once (~35 s)
    python bench/duplicates.py --db PATH        # another database made by `fieldlog demo --scale N`
    python bench/duplicates.py --reps 3 --inject 0
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import copy_database, median, ratio, scale_database  # noqa: E402

from fieldlog.schema import open_database  # noqa: E402
from fieldlog.services.duplicates import candidate_pairs  # noqa: E402

BASELINE_SQL = "SELECT id, sort_key, sex, agency_id, country, phone, email FROM participant WHERE deleted = 0"


def measure(path: Path, reps: int, label: str) -> None:
    db = open_database(path)
    raw = sqlite3.connect(path)
    times: dict[str, list[float]] = {"baseline": [], "service": [], "agencies": []}
    count = pairs = 0

    def run_baseline() -> None:
        nonlocal count
        count = len(raw.execute(BASELINE_SQL).fetchall())

    def run_service() -> None:
        nonlocal pairs
        pairs = len(candidate_pairs(db, table="participant"))

    def run_agencies() -> None:
        candidate_pairs(db, table="agency")

    run_baseline()  # warm the page cache of both
    run_service()
    for rep in range(reps):
        order = [("baseline", run_baseline), ("service", run_service), ("agencies", run_agencies)]
        if rep % 2:
            order.reverse()
        for name, run in order:
            gc.collect()
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000)
    base, service = median(times["baseline"]), median(times["service"])
    print(f"{label}: {count:,} live participants, {reps} repetitions (medians)")
    print(f"  {'plain read of the columns (baseline)':44}{base:9.0f} ms")
    print(f"  {f'candidate_pairs, participants ({pairs} pairs)':44}{service:9.0f} ms   ratio {ratio(service, base)}")
    print(f"  {'candidate_pairs, agencies':44}{median(times['agencies']):9.1f} ms")
    raw.close()
    db.close()


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 5:
        return text
    cut = rng.randrange(1, len(text) - 1)
    return text[:cut] + text[cut + 1:]


def _plain(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def inject(source: Path, k: int, seed: int) -> tuple[Path, set[frozenset[str]]]:
    """A copy of `source` with `k` duplicates of random participants; returns the pairs."""
    from fieldlog.models import Participant
    from fieldlog.services.writer import writing

    target = source.with_name(source.stem + f"-dups{k}.db")
    copy_database(source, target)
    rng = random.Random(seed)
    db = open_database(target)
    try:
        with db.read() as session:
            people = session.connection().exec_driver_sql(
                "SELECT id, family_name, given_names, sex, agency_id, country FROM participant WHERE deleted = 0"
            ).all()
        chosen = rng.sample(people, k)
        copies, phones = [], {}
        for n, (pid, family, given, sex, agency, country) in enumerate(chosen):
            kind = n % 4
            if kind == 0:  # word order swapped, capitals: "TRAORE Moussa" / "Moussa Traoré"
                family, given = given, _plain(family).upper()
            elif kind == 1:  # a letter missing from the given name, same agency
                given = _typo(given, rng)
            elif kind == 2:  # another office: accents dropped, no agency, the same phone
                family, given, agency = _plain(family), _plain(given), None
                phones[pid] = f"+223 7{n:07d}"
            else:  # a letter missing and the same phone, another country
                given, country = _typo(given, rng), ""
                phones[pid] = f"7{n:07d}"
            copies.append({"family_name": family, "given_names": given, "sex": sex, "agency_id": agency,
                           "country": country, "phone": f"7{n:07d}" if pid in phones else ""})
        with writing(db) as writer:
            ids = writer.bulk_insert(Participant, copies)
            for pid, phone in phones.items():
                writer.update(Participant, pid, {"phone": phone})
    finally:
        db.close()
    return target, {frozenset((original[0], copy)) for original, copy in zip(chosen, ids)}


def recall(path: Path, injected: set[frozenset[str]]) -> None:
    db = open_database(path)
    try:
        start = time.perf_counter()
        found = candidate_pairs(db, table="participant", limit=1_000_000)
        elapsed = time.perf_counter() - start
    finally:
        db.close()
    pairs = {frozenset((p.first_id, p.second_id)) for p in found}
    print(f"  injected pairs found: {len(injected & pairs):,} of {len(injected):,}, among {len(pairs):,} "
          f"pairs proposed in all ({elapsed * 1000:.0f} ms without a limit)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=100_000, help="participants in the database (100000)")
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    parser.add_argument("--reps", type=int, default=5, help="repetitions (5)")
    parser.add_argument("--inject", type=int, default=1000, metavar="K", help="duplicates added to a copy (1000; 0: none)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    path = args.db or scale_database(args.scale)
    measure(path, args.reps, path.name)
    if args.inject:
        copy, injected = inject(path, args.inject, args.seed)
        measure(copy, args.reps, f"{copy.name} ({args.inject:,} duplicates added)")
        recall(copy, injected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
