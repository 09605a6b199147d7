"""Which pairs of records are worth comparing, found fast among 100,000 (no database here).

Comparing every pair of 100,000 names is 5 billion comparisons; instead (blocking):

1. Names become keys: folded words in alphabetical order, so "TRAORE Moussa" and
   "Moussa Traoré" share the key "moussa traore". Records are grouped by key, and only the
   distinct keys are compared (synthetic data: 1,800 keys for 100,000 people).
2. Keys are compared within blocks of keys sharing a word (of MIN_TOKEN letters or more), that
   word first, with rapidfuzz's `process.extract` and a score cutoff, so that the loop over a
   block runs in C; the few keys it keeps are then scored by `name_score`.
   (`process.cdist` would do a whole block at once but needs numpy, which fieldlog does not
   depend on.) A block larger than FULL_BLOCK keys (a family name shared by thousands) is not
   compared whole: its keys are sorted by the rest of the name and each is compared with its
   WINDOW next neighbours, which still finds "Traoré Mousa" beside "Traoré Moussa".
3. Records whose keys match give pairs, except for common names: when two keys hold more than
   COMMON_NAME_PAIRS record pairs between them (a dozen namesakes), only the pairs that also
   share a group (the same agency for people, the same country for agencies) are kept, and
   only in groups of at most COMMON_NAME records. Hundreds of "Moussa Traoré" in different
   agencies are namesakes, not duplicates.
4. Records sharing a contact key (phone, e-mail, acronym) are paired whatever their names,
   unless more than SHARED_CONTACT records share it: an office switchboard or a shared mailbox
   says nothing about who is who.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import combinations, permutations, product
from typing import NamedTuple

from rapidfuzz import fuzz, process

from fieldlog.text import fold, words

NAME_CUTOFF = 85  # the same threshold as the participant form's "similar person" warning
MIN_TOKEN = 2
FULL_BLOCK = 400
WINDOW = 20
COMMON_NAME = 12
COMMON_NAME_PAIRS = COMMON_NAME * (COMMON_NAME - 1) // 2
SHARED_CONTACT = 8
MAX_REORDERED = 4  # names of up to 4 words are compared in every word order (24 at most)
PHONE_DIGITS = 8  # Sahel numbers have 8 digits after the country code (+223, +226, +227…)

_NUMBER = re.compile(r"\d+")
_NOT_DIGIT = re.compile(r"\D")
_WORD = re.compile(r"\w+", re.UNICODE)


class Entry(NamedTuple):
    """One record as matching sees it (a tuple: 100,000 are made at once)."""

    name: str  # a name_key
    contacts: tuple[str, ...] = ()  # exact keys such as "phone:70112233"; equal means related
    group: str | None = None  # for common names: pairs must share it (the agency of a person)


def name_key(*parts: str | None) -> str:
    """Folded words in alphabetical order: case, accents and word order do not matter."""
    return " ".join(sorted(words(" ".join(p for p in parts if p))))


def folded_name_key(folded: str) -> str:
    """name_key of text already folded (a stored sort_key): no second folding."""
    return " ".join(sorted(_WORD.findall(folded)))


def phone_key(phone: str | None) -> str:
    """The last PHONE_DIGITS digits, so "+223 70 11 22 33" and "70112233" are the same."""
    digits = _NOT_DIGIT.sub("", phone or "")
    return digits[-PHONE_DIGITS:] if len(digits) >= 6 else ""


def email_key(email: str | None) -> str:
    return fold((email or "").strip())


def name_score(first: str, second: str) -> float:
    """0–100 for two name keys; names with different numbers ("Brigade 12", "Brigade 13")
    are different names however alike the rest.

    The keys are folded and token-sorted, so ratio on them is rapidfuzz's token_sort_ratio,
    except that a typo can move a word: "maiga mamadou" / "maadou maiga" (56). With as many
    words on both sides, the words are also compared in every order (96)."""
    if first == second:
        return 100.0
    if _NUMBER.findall(first) != _NUMBER.findall(second):
        return 0.0
    words_first, words_second = first.split(), second.split()
    if 1 < len(words_first) == len(words_second) <= MAX_REORDERED:
        return max(fuzz.ratio(first, " ".join(order)) for order in permutations(words_second))
    return fuzz.ratio(first, second)


def similar_keys(keys: Sequence[str], *, cutoff: float = NAME_CUTOFF) -> dict[tuple[int, int], float]:
    """Pairs (i < j) of distinct keys scoring at least `cutoff`, with their score."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        for token in set(key.split()):
            if len(token) >= MIN_TOKEN:
                blocks[token].append(index)
    found: dict[tuple[int, int], float] = {}
    for token, members in blocks.items():
        if len(members) < 2:
            continue
        # Within a block, the shared word first: the rest of the names then face each other
        # even when a typo would move a word in sorted order ("maiga mamadou", "maadou maiga").
        rests = {index: _without(keys[index], token) for index in members}
        if len(members) > FULL_BLOCK:
            members = sorted(members, key=rests.__getitem__)
            span = WINDOW
        else:
            span = len(members)
        choices = [f"{token} {rests[index]}" for index in members]
        for position, index in enumerate(members[:-1]):
            following = choices[position + 1:position + 1 + span]
            for _choice, _rough, offset in process.extract(
                choices[position], following, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
            ):
                other = members[position + 1 + offset]
                pair = (index, other) if index < other else (other, index)
                if pair not in found:
                    score = name_score(keys[pair[0]], keys[pair[1]])
                    if score >= cutoff:
                        found[pair] = score
    return found


def _without(key: str, token: str) -> str:
    return " ".join(word for word in key.split() if word != token)


def candidate_indices(entries: Sequence[Entry], *, cutoff: float = NAME_CUTOFF) -> dict[tuple[int, int], float]:
    """Pairs (i < j) of entries worth scoring, with the similarity of their names."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        if entry.name:
            by_key[entry.name].append(index)
    keys = list(by_key)
    members = [by_key[key] for key in keys]
    key_pairs = similar_keys(keys, cutoff=cutoff)
    key_pairs.update({(k, k): 100.0 for k, group in enumerate(members) if len(group) > 1})

    pairs: dict[tuple[int, int], float] = {}
    grouped: dict[int, dict[str, list[int]]] = {}  # per key, its records by group, made once
    for (first, second), score in key_pairs.items():
        for i, j in _namesakes(entries, members, grouped, first, second):
            pairs[(i, j) if i < j else (j, i)] = score

    by_contact: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        for contact in entry.contacts:
            by_contact[contact].append(index)
    for sharing in by_contact.values():
        if 2 <= len(sharing) <= SHARED_CONTACT:
            for i, j in combinations(sharing, 2):
                pair = (i, j) if i < j else (j, i)
                if pair not in pairs:
                    pairs[pair] = name_score(entries[i].name, entries[j].name)
    return pairs


def _namesakes(
    entries: Sequence[Entry], members: list[list[int]], grouped: dict[int, dict[str, list[int]]], first: int, second: int
) -> Iterator[tuple[int, int]]:
    """Pairs of records across two matching keys (or within one), few enough to propose."""
    same = first == second
    here, there = members[first], members[second]
    count = len(here) * (len(here) - 1) // 2 if same else len(here) * len(there)
    if count <= COMMON_NAME_PAIRS:
        yield from combinations(here, 2) if same else product(here, there)
        return
    for key in (first, second):
        if key not in grouped:
            grouped[key] = _by_group(entries, members[key])
    left, right = grouped[first], grouped[second]
    for group, left_members in left.items():
        if same:
            if 1 < len(left_members) <= COMMON_NAME:
                yield from combinations(left_members, 2)
        else:
            right_members = right.get(group)
            if right_members and len(left_members) * len(right_members) <= COMMON_NAME_PAIRS:
                yield from product(left_members, right_members)


def _by_group(entries: Sequence[Entry], indices: list[int]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for index in indices:
        group = entries[index].group
        if group:
            grouped[group].append(index)
    return grouped
