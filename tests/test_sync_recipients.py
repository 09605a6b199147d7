"""The offices a bundle can be made for (Sync screen, Export dialog): those known by their
records, and those known only by a trusted key, which get everything in a first bundle."""

from __future__ import annotations

from fieldlog.keys.trust import export_card, import_card, list_keys, trust_key
from fieldlog.schema import open_database
from fieldlog.services.offices import initialise_office
from fieldlog.sync.export import export_bundle
from fieldlog.sync.importer import import_bundles
from fieldlog.sync.recipients import FIRST_BUNDLE, with_key_only_offices
from fieldlog.sync.status import peer_status
from tests.sync_helpers import trust_each_other


def niamey(tmp_path):
    nia = open_database(tmp_path / "nia.db")
    initialise_office(nia, code="NIA", name="Bureau de Niamey", country="NE", author="Moussa")
    return nia


def recipients(db):
    return with_key_only_offices(peer_status(db), list_keys(db))


def test_an_office_known_only_by_its_trusted_key_is_sent_a_first_bundle(db, tmp_path):
    nia = niamey(tmp_path)
    try:
        import_card(db, export_card(nia, tmp_path / "NIA.fieldlog-key"))
        assert recipients(db) == []  # its key is not trusted yet: nothing can be encrypted for it
        trust_key(db, "NIA")
        [peer] = recipients(db)
        assert (peer.code, peer.name, peer.pending) == ("NIA", "Bureau de Niamey", FIRST_BUNDLE)
        assert (peer.last_import_at, peer.last_export_at) == ("", "")
    finally:
        nia.close()


def test_an_office_known_by_its_records_is_listed_once_with_what_it_has_not_acknowledged(db, tmp_path):
    nia = niamey(tmp_path)
    try:
        trust_each_other(db, nia)
        import_bundles(db, [export_bundle(nia, out=tmp_path / "from-nia.fieldlog", to="BKO").path])
        known = peer_status(db)
        assert [peer.code for peer in known] == ["NIA"]
        assert recipients(db) == known
        assert known[0].pending != FIRST_BUNDLE
    finally:
        nia.close()


def test_offices_known_only_by_their_keys_come_after_the_others_by_code(db, tmp_path):
    offices = []
    try:
        for code in ("ZND", "AGA"):
            other = open_database(tmp_path / f"{code}.db")
            offices.append(other)
            initialise_office(other, code=code, name=f"Bureau {code}", country="NE", author="x")
            import_card(db, export_card(other, tmp_path / f"{code}.fieldlog-key"))
            trust_key(db, code)
        assert [peer.code for peer in recipients(db)] == ["AGA", "ZND"]
    finally:
        for other in offices:
            other.close()
