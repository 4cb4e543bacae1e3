"""region marks: a mark per region that triggers draw anew whenever the region's rows change,
for the freshness stamps of its dashboard, report and path

The region dashboard's stamp aggregated sixteen things on every request: the region's submitted
responses, comments, invitations and organisations, its agenda, conversation, ambitions and
result agreements. On PostgreSQL that cost the database 1.2 ms of CPU and the worker 0.9 ms per
kept page (40 regions x 8 rounds), most of a kept dashboard. Now it reads one row of
region_mark for all of them: a trigger on each of those tables sets the mark of every region
whose rows a statement added, changed or removed to a new random number. Responses count only
when submitted, comments only when their response is: a draft's autosaves leave it alone.

As in 0018, SQLite has row triggers only; PostgreSQL's are per statement, reading the rows
touched from transition tables (a bulk load sets each region's mark once), except for
responses, which are marked per row under a condition, as their round's mark is, and comments,
per row too (an autosave writes one; a statement trigger's transition tables cost it more). The triggers'
names sort after 0018's, so that a statement takes the round's mark before the region's.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables with a region_id of their own, marked per statement (as
# selfscan.models.changes.REGION_MARKED, but for responses and comments; written out here, as
# a migration must not follow the code's later changes).
TABLES = (
    "invitation",
    "organisation",
    "action",
    "reflection",
    "meeting",
    "agreed_position",
    "conversation_topic",
    "ambition",
    "result_agreement",
    "agreement_progress",
)
OPERATIONS = ("insert", "update", "delete")
ROWS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}
SUBMITTED = {
    "insert": "NEW.status = 'submitted'",
    "update": "OLD.status = 'submitted' OR NEW.status = 'submitted'",
    "delete": "OLD.status = 'submitted'",
}

_SQLITE_SET = """INSERT INTO region_mark (region_id, mark) VALUES ({region}, random())
    ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;"""
# A comment marks its response's region when that response is submitted (the WHERE also keeps
# SQLite from reading ON CONFLICT as part of the SELECT).
_SQLITE_COMMENT = """INSERT INTO region_mark (region_id, mark)
    SELECT region_id, random() FROM response WHERE id = {row}.response_id AND status = 'submitted'
    ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;"""

# Every region whose rows the statement touched, in the order of their ids (two statements
# that touch the same regions so wait for each other, never deadlock).
_PG_FUNCTION = """
CREATE FUNCTION region_mark_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO region_mark (region_id, mark)
        SELECT touched.region_id, floor(random() * 1e18)::bigint
        FROM (SELECT DISTINCT region_id FROM new_rows) AS touched ORDER BY touched.region_id
        ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO region_mark (region_id, mark)
        SELECT touched.region_id, floor(random() * 1e18)::bigint
        FROM (SELECT DISTINCT region_id FROM old_rows) AS touched ORDER BY touched.region_id
        ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;
    ELSE
        INSERT INTO region_mark (region_id, mark)
        SELECT touched.region_id, floor(random() * 1e18)::bigint
        FROM (SELECT region_id FROM new_rows UNION SELECT region_id FROM old_rows) AS touched
        ORDER BY touched.region_id
        ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;
    END IF;
    RETURN NULL;
END $$
"""

# A comment, per row: a draft's autosave writes one comment at a time, and a row trigger that
# looks up its response costs it less than a statement's transition tables would.
_PG_COMMENT_FUNCTION = """
CREATE FUNCTION region_mark_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO region_mark (region_id, mark)
        SELECT region_id, floor(random() * 1e18)::bigint FROM response
        WHERE id = OLD.response_id AND status = 'submitted'
        ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO region_mark (region_id, mark)
        SELECT region_id, floor(random() * 1e18)::bigint FROM response
        WHERE id = NEW.response_id AND status = 'submitted'
        ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;
    END IF;
    RETURN NULL;
END $$
"""

_PG_ROW_FUNCTION = """
CREATE FUNCTION region_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO region_mark (region_id, mark)
        VALUES (OLD.region_id, floor(random() * 1e18)::bigint)
        ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.region_id <> OLD.region_id) THEN
        INSERT INTO region_mark (region_id, mark)
        VALUES (NEW.region_id, floor(random() * 1e18)::bigint)
        ON CONFLICT (region_id) DO UPDATE SET mark = excluded.mark;
    END IF;
    RETURN NULL;
END $$
"""

_PG_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _trigger(table: str, operation: str) -> str:
    return f"region_mark_{table}_{operation}"


def upgrade() -> None:
    op.create_table(
        "region_mark",
        sa.Column("region_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mark", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("region_id", name=op.f("pk_region_mark")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    for table in TABLES:
        for operation in OPERATIONS:
            body = "\n    ".join(
                _SQLITE_SET.format(region=f"{row}.region_id") for row in ROWS[operation]
            )
            op.execute(
                f"CREATE TRIGGER {_trigger(table, operation)} AFTER {operation.upper()} "
                f"ON {table} FOR EACH ROW BEGIN\n    {body}\nEND"
            )
    for operation in OPERATIONS:
        body = "\n    ".join(_SQLITE_COMMENT.format(row=row) for row in ROWS[operation])
        op.execute(
            f"CREATE TRIGGER {_trigger('principle_comment', operation)} AFTER "
            f"{operation.upper()} ON principle_comment FOR EACH ROW BEGIN\n    {body}\nEND"
        )
    for operation, condition in SUBMITTED.items():
        body = "\n    ".join(
            _SQLITE_SET.format(region=f"{row}.region_id") for row in ROWS[operation]
        )
        op.execute(
            f"CREATE TRIGGER {_trigger('response', operation)} AFTER {operation.upper()} "
            f"ON response FOR EACH ROW WHEN {condition} BEGIN\n    {body}\nEND"
        )


def _upgrade_postgresql() -> None:
    op.execute(_PG_FUNCTION)
    for table in TABLES:
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER {_trigger(table, operation)} AFTER {operation.upper()} "
                f"ON {table} {_PG_REFERENCING[operation]} FOR EACH STATEMENT "
                "EXECUTE FUNCTION region_mark_set()"
            )
    op.execute(_PG_COMMENT_FUNCTION)
    for operation in OPERATIONS:
        op.execute(
            f"CREATE TRIGGER {_trigger('principle_comment', operation)} AFTER "
            f"{operation.upper()} ON principle_comment FOR EACH ROW "
            "EXECUTE FUNCTION region_mark_comment()"
        )
    op.execute(_PG_ROW_FUNCTION)
    for operation, condition in SUBMITTED.items():
        op.execute(
            f"CREATE TRIGGER {_trigger('response', operation)} AFTER {operation.upper()} "
            f"ON response FOR EACH ROW WHEN ({condition}) "
            "EXECUTE FUNCTION region_mark_row()"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in [*TABLES, "principle_comment", "response"]:
        for operation in OPERATIONS:
            trigger = _trigger(table, operation)
            if postgresql:
                op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS region_mark_set()")
        op.execute("DROP FUNCTION IF EXISTS region_mark_comment()")
        op.execute("DROP FUNCTION IF EXISTS region_mark_row()")
    op.drop_table("region_mark")
