"""What autogenerate compares: objects made in migrations but not modelled are left out."""

# The full-text search index over participants (FTS5 virtual table and its shadow tables).
UNMODELLED_PREFIXES = ("participant_fts",)
# Indexes made by hand in migrations: the partial index of the participants in the Trash.
UNMODELLED_INDEXES = ("ix_participant_trash",)


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith(UNMODELLED_PREFIXES):
        return False
    if type_ == "index" and name in UNMODELLED_INDEXES:
        return False
    return True
