"""Append-only tables, enforced by the database: the health-record access log, the audit log and the
subsidy ledger.

Triggers refuse every UPDATE, DELETE and (PostgreSQL) TRUNCATE on these tables, from any client: the
application, a management command such as ``auditlogflush``, or SQL typed by hand. One change is let
through: when the person a row names is deleted, the foreign key is set to NULL (the row keeps the name
it recorded). Rows leave only through the documented retention procedure (``manage.py logs_retain``),
which archives them, lifts the triggers inside its own transaction and records itself
(docs/security.md).

SQLite and PostgreSQL differ in trigger syntax, so each has its statements here; both are tested.
"""

from collections.abc import Iterable

from django.db.backends.base.base import BaseDatabaseWrapper

# Table -> the foreign key that ON DELETE SET NULL may clear (None: no change at all).
APPEND_ONLY_TABLES: dict[str, str | None] = {
    "health_healthrecordaccess": "child_id",
    "auditlog_logentry": "actor_id",
    "health_logretention": None,
    "subsidies_ledgerentry": None,
}
MESSAGE = "is append-only: its rows are never changed or deleted"


def _columns(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def _sqlite_create(connection: BaseDatabaseWrapper, table: str, nullable: str | None) -> list[str]:
    raise_ = f"SELECT RAISE(ABORT, '{table} {MESSAGE}');"
    if nullable is None:
        allowed = "0"
    else:
        others = [column for column in _columns(connection, table) if column != nullable]
        kept = " AND ".join(f'NEW."{column}" IS OLD."{column}"' for column in others)
        allowed = f'NEW."{nullable}" IS NULL AND {kept}'
    return [
        f'CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" BEGIN {raise_} END;',
        f'CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" '
        f"WHEN NOT ({allowed}) BEGIN {raise_} END;",
    ]


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tuoyu_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_NARGS = 1 THEN
        IF (to_jsonb(NEW) ->> TG_ARGV[0]) IS NULL
           AND (to_jsonb(NEW) - TG_ARGV[0]) = (to_jsonb(OLD) - TG_ARGV[0]) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% {MESSAGE}', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
"""


def _postgres_create(table: str, nullable: str | None) -> list[str]:
    argument = f"'{nullable}'" if nullable else ""
    return [
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION tuoyu_append_only({argument});",
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION tuoyu_append_only();",
    ]


def _trigger_names(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    if connection.vendor == "postgresql":
        return [f"{table}_append_only", f"{table}_no_truncate"]
    return [f"{table}_no_delete", f"{table}_no_update"]


def triggers_create(connection: BaseDatabaseWrapper, tables: Iterable[str] = APPEND_ONLY_TABLES) -> None:
    """Create the triggers of ``tables`` (every append-only table unless named: a migration names its own)."""
    statements: list[str] = []
    if connection.vendor == "postgresql":
        statements.append(POSTGRES_FUNCTION)
    for table in tables:
        nullable = APPEND_ONLY_TABLES[table]
        if connection.vendor == "postgresql":
            statements += _postgres_create(table, nullable)
        elif connection.vendor == "sqlite":
            statements += _sqlite_create(connection, table, nullable)
        else:
            raise NotImplementedError(f"Append-only triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def triggers_drop(connection: BaseDatabaseWrapper, tables: Iterable[str] = APPEND_ONLY_TABLES) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            for name in _trigger_names(connection, table):
                on = f' ON "{table}"' if connection.vendor == "postgresql" else ""
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"{on};')
