"""Tables. Every synced table carries `id` (UUIDv7), `origin_office`, `hlc` and `deleted`.

Only primary keys are unique (docs/ARCHITECTURE.md §3.2): names, codes and acronyms are matched, never
constrained. `XBase` holds the fields a person edits; `X(table=True)` adds the sync columns.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from fieldlog.ids import new_id


class SyncColumns(SQLModel):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    origin_office: str = Field(default="", max_length=36, index=True)
    hlc: int = Field(default=0, index=True)
    # Not indexed: a two-valued column misleads the query planner more than it helps.
    deleted: bool = Field(default=False)


class OfficeBase(SQLModel):
    code: str = Field(max_length=16)
    name: str = Field(max_length=200)
    country: str = Field(default="", max_length=2)


class Office(OfficeBase, SyncColumns, table=True):
    __tablename__ = "office"


class AgencyBase(SQLModel):
    name: str = Field(max_length=300)
    acronym: str = Field(default="", max_length=40)
    country: str = Field(default="", max_length=2)
    kind: str = Field(default="other", max_length=40)
    parent_id: str | None = Field(default=None, foreign_key="agency.id", max_length=36)


class Agency(AgencyBase, SyncColumns, table=True):
    __tablename__ = "agency"
    sort_key: str = Field(default="", index=True, max_length=400)


class ParticipantBase(SQLModel):
    family_name: str = Field(max_length=200)
    given_names: str = Field(default="", max_length=200)
    sex: str = Field(default="", max_length=1)
    agency_id: str | None = Field(default=None, foreign_key="agency.id", max_length=36, index=True)
    function: str = Field(default="", max_length=200)
    country: str = Field(default="", max_length=2)
    phone: str = Field(default="", max_length=60)
    email: str = Field(default="", max_length=200)


class Participant(ParticipantBase, SyncColumns, table=True):
    __tablename__ = "participant"
    sort_key: str = Field(default="", index=True, max_length=400)


class WorkshopBase(SQLModel):
    title: str = Field(max_length=400)
    kind: str = Field(default="national_workshop", max_length=40)
    start_date: date
    end_date: date
    city: str = Field(default="", max_length=120)
    country: str = Field(default="", max_length=2)
    venue: str = Field(default="", max_length=300)
    programme: str = Field(default="", max_length=300)
    organisers: str = Field(default="", max_length=600)
    partners: str = Field(default="", max_length=600)
    funders: str = Field(default="", max_length=600)
    themes: str = Field(default="", max_length=600)
    pillar: str = Field(default="", max_length=4)
    status: str = Field(default="planned", max_length=20)
    notes: str = Field(default="", max_length=4000)


class Workshop(WorkshopBase, SyncColumns, table=True):
    __tablename__ = "workshop"


class EnrolmentBase(SQLModel):
    workshop_id: str = Field(foreign_key="workshop.id", max_length=36, index=True)
    participant_id: str = Field(foreign_key="participant.id", max_length=36, index=True)
    role: str = Field(default="participant", max_length=20)


class Enrolment(EnrolmentBase, SyncColumns, table=True):
    __tablename__ = "enrolment"


class AttendanceBase(SQLModel):
    enrolment_id: str = Field(foreign_key="enrolment.id", max_length=36, index=True)
    day: date
    present: bool = Field(default=False)


class Attendance(AttendanceBase, SyncColumns, table=True):
    __tablename__ = "attendance"


class OutcomeBase(SQLModel):
    title: str = Field(max_length=400)
    kind: str = Field(default="other", max_length=40)
    outcome_date: date
    country: str = Field(default="", max_length=2)
    description: str = Field(default="", max_length=8000)
    evidence: str = Field(default="", max_length=2000)
    verification: str = Field(default="reported", max_length=20)


class Outcome(OutcomeBase, SyncColumns, table=True):
    __tablename__ = "outcome"


class OutcomeWorkshopBase(SQLModel):
    outcome_id: str = Field(foreign_key="outcome.id", max_length=36, index=True)
    workshop_id: str = Field(foreign_key="workshop.id", max_length=36, index=True)


class OutcomeWorkshop(OutcomeWorkshopBase, SyncColumns, table=True):
    __tablename__ = "outcome_workshop"


class OutcomeAgencyBase(SQLModel):
    outcome_id: str = Field(foreign_key="outcome.id", max_length=36, index=True)
    agency_id: str = Field(foreign_key="agency.id", max_length=36, index=True)


class OutcomeAgency(OutcomeAgencyBase, SyncColumns, table=True):
    __tablename__ = "outcome_agency"


class IndicatorBase(SQLModel):
    outcome_id: str = Field(foreign_key="outcome.id", max_length=36, index=True)
    name: str = Field(max_length=300)
    value: float = Field(default=0)
    unit: str = Field(default="", max_length=80)


class Indicator(IndicatorBase, SyncColumns, table=True):
    __tablename__ = "indicator"


class DuplicateDecisionBase(SQLModel):
    """A person's decision about two records of one table: `merge` record_id into other_id,
    or mark them `distinct` so they are no longer proposed. Undoing is a tombstone."""

    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    other_id: str = Field(max_length=36, index=True)
    decision: str = Field(default="merge", max_length=10)


class DuplicateDecision(DuplicateDecisionBase, SyncColumns, table=True):
    __tablename__ = "duplicate_decision"


class ChangeLog(SQLModel, table=True):
    """Append-only log of every change, the source of bundles (docs/ARCHITECTURE.md §3.4)."""

    __tablename__ = "change_log"
    office_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    hlc: int = Field(index=True)
    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    op: str = Field(max_length=10)
    data: str = Field(default="{}")
    author: str = Field(default="", max_length=200)
    # Per column, the stamps [hlc, office] this write knowingly replaced; tells an edit made
    # after seeing another office's value from a concurrent one (a conflict).
    base: str = Field(default="{}", sa_column_kwargs={"server_default": "{}"})
    # After a restore (docs/ARCHITECTURE.md §4.11): the seq of a clashing entry of the same office
    # whose content this entry carries again under a fresh number; 0 for every ordinary entry.
    restamp_of: int = Field(default=0, index=True, sa_column_kwargs={"server_default": "0"})


class ClashEntry(SQLModel, table=True):
    """Another version of a change-log entry (office, seq) than the one held here: two entries given
    the same number by an office restored from a backup. Kept, and passed on by coordinators, until
    that office has given the losing version a number of its own (docs/ARCHITECTURE.md §4.11)."""

    __tablename__ = "clash_entry"
    office_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    digest: str = Field(primary_key=True, max_length=64)
    hlc: int = Field(default=0)
    table_name: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    op: str = Field(max_length=10)
    data: str = Field(default="{}")
    author: str = Field(default="", max_length=200)
    base: str = Field(default="{}")
    restamp_of: int = Field(default=0)


class LocalState(SQLModel, table=True):
    """This database's own identity and clocks: one row, never synced."""

    __tablename__ = "local_state"
    key: str = Field(default="local", primary_key=True, max_length=10)
    office_id: str = Field(max_length=36)
    author: str = Field(default="", max_length=200)
    hlc_last: int = Field(default=0)
    seq_last: int = Field(default=0)
    exported_seq: int = Field(default=0)


class Peer(SQLModel, table=True):
    """Another office as this database knows it: what it has acknowledged receiving."""

    __tablename__ = "peer"
    office_id: str = Field(primary_key=True, max_length=36)
    acked: str = Field(default="{}")  # version vector {office_id: highest contiguous seq}
    last_import_at: str = Field(default="", max_length=40)
    last_export_at: str = Field(default="", max_length=40)


class BundleImport(SQLModel, table=True):
    """Bundles already imported, so that a second import can say so."""

    __tablename__ = "bundle_import"
    bundle_id: str = Field(primary_key=True, max_length=36)
    origin_office: str = Field(max_length=36)
    imported_at: str = Field(max_length=40)
    entries: int = Field(default=0)
    new_entries: int = Field(default=0)


class Conflict(SQLModel, table=True):
    """A value that lost to a concurrent write of the same field; derived from the log."""

    __tablename__ = "conflict"
    table_name: str = Field(primary_key=True, max_length=40)
    record_id: str = Field(primary_key=True, max_length=36)
    column: str = Field(primary_key=True, max_length=60)
    loser_office: str = Field(primary_key=True, max_length=36)
    loser_hlc: int = Field(primary_key=True)
    loser_value: str = Field(default="null")
    loser_author: str = Field(default="", max_length=200)


class Parked(SQLModel, table=True):
    """A record whose parent has not arrived yet; applied when it does."""

    __tablename__ = "parked"
    table_name: str = Field(primary_key=True, max_length=40)
    record_id: str = Field(primary_key=True, max_length=36)
    missing_table: str = Field(default="", max_length=40)
    missing_id: str = Field(default="", max_length=36, index=True)


class MergeMap(SQLModel, table=True):
    """Where each merged-away record now points (after following chains); derived."""

    __tablename__ = "merge_map"
    table_name: str = Field(primary_key=True, max_length=40)
    record_id: str = Field(primary_key=True, max_length=36)
    into_id: str = Field(max_length=36, index=True)


SYNCED_TABLES: dict[str, type[SyncColumns]] = {
    model.__tablename__: model
    for model in (
        Office, Agency, Participant, Workshop, Enrolment, Attendance,
        Outcome, OutcomeWorkshop, OutcomeAgency, Indicator, DuplicateDecision,
    )
}

# Columns a person never writes directly: derived locally, not carried in the change log.
LOCAL_COLUMNS = frozenset({"sort_key"})


class OfficeKey(SQLModel, table=True):
    """An office's public keys as this database knows them, and whether they are trusted here.
    Local: trust is decided by a person at this office, or learned from a trusted coordinator."""

    __tablename__ = "office_key"
    key_id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the office id and both keys
    office_id: str = Field(max_length=36, index=True)
    code: str = Field(max_length=20)
    name: str = Field(default="", max_length=200)
    country: str = Field(default="", max_length=2)
    role: str = Field(default="office", max_length=12)  # office | coordinator
    signing_key: str = Field(max_length=100)  # Ed25519, base64
    encryption_key: str = Field(max_length=100)  # age X25519 recipient
    status: str = Field(default="pending", max_length=10)  # own | retired | pending | trusted | revoked
    learned_from: str = Field(default="", max_length=20)  # the coordinator's code, or "" if decided here
    decided_at: str = Field(default="", max_length=40)
    decided_by: str = Field(default="", max_length=200)
