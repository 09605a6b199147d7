"""The offices a bundle can be made for: those known here by their records, and those known
only by a trusted key, that nothing has been received from yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldlog.sync.status import PeerStatus

if TYPE_CHECKING:
    from fieldlog.keys.trust import KnownKey

# The pending count of an office known only by its trusted key: it has acknowledged nothing yet,
# so its first bundle holds everything.
FIRST_BUNDLE = -1


def with_key_only_offices(peers: list[PeerStatus], keys: list[KnownKey]) -> list[PeerStatus]:
    """The offices known here by their records (`peers`, from `peer_status`), then those known
    only by a trusted key (nothing received from them yet), which can be sent a bundle all the
    same, with `pending` = FIRST_BUNDLE; each by code."""
    known = {peer.office_id for peer in peers}
    first = {
        key.public.office_id: PeerStatus(office_id=key.public.office_id, code=key.code, name=key.public.name,
                                         pending=FIRST_BUNDLE, last_import_at="", last_export_at="")
        for key in keys if key.status == "trusted" and key.public.office_id not in known
    }
    return [*peers, *sorted(first.values(), key=lambda peer: peer.code)]
