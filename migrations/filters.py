"""What autogenerate compares: objects made in migrations but not modelled are left out."""

# The full-text search index over participants (FTS5 virtual table and its shadow tables).
UNMODELLED_PREFIXES = ("participant_fts",)


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith(UNMODELLED_PREFIXES):
        return False
    return True
