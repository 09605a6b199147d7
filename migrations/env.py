"""Alembic environment: SQLModel metadata, batch mode for SQLite.

fieldlog runs it programmatically (fieldlog.schema); the connection arrives in
`config.attributes["connection"]`.
"""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import fieldlog.models  # noqa: F401  (registers the tables on the metadata)
from fieldlog.migrations.filters import include_object

config = context.config
target_metadata = SQLModel.metadata

def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run_migrations(conn)
