"""change marks: a mark per table (per round for invitations, actions and submitted responses)
that triggers draw anew on every change, for the freshness stamps of the overview and the API

The overview's stamp aggregated a round's invitations and submitted responses, every
organisation, every round's regions and the round's actions on every request: at 400 regions
14,000, 12,000, 4,400, 8,000 and 1,600 rows, 7 of a kept overview's 14 ms on SQLite; the API's
figures of a round counted its submitted responses. Now they read one row of each from
change_mark, which the database keeps: a trigger on each table sets its mark to a new random
number whenever a statement adds, changes or removes rows (for invitations and actions, the
mark of each round whose rows it touched; for responses, only submitted ones, per round).
SQLite has row triggers only; PostgreSQL's are per statement, reading the rows touched from
transition tables, so that a bulk load (COPY) sets each round's mark once.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables marked, and whether per round (as selfscan.models.changes.MARKED; written out
# here, as a migration must not follow the code's later changes).
MARKED = {"invitation": True, "action": True, "organisation": False, "round_region": False}
OPERATIONS = ("insert", "update", "delete")
ROWS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}  # what each touches
# Responses are marked per round only where a submitted one is added, changed or removed (a
# draft's autosave changes its row too, and must not touch the mark every other respondent in
# the round would wait on): row triggers with a condition, on both databases.
SUBMITTED = {
    "insert": "NEW.status = 'submitted'",
    "update": "OLD.status = 'submitted' OR NEW.status = 'submitted'",
    "delete": "OLD.status = 'submitted'",
}

_SQLITE_SET = """INSERT INTO change_mark (topic, round_id, mark) VALUES ('{topic}', {round}, random())
    ON CONFLICT (topic, round_id) DO UPDATE SET mark = excluded.mark;"""

# The mark: a random bigint below 10^18 (random() gives 52 random bits of a double in [0, 1)).
_PG_FUNCTION = """
CREATE FUNCTION change_mark_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_NARGS = 1 THEN  -- the table's one mark: TG_ARGV[0] is the topic
        INSERT INTO change_mark (topic, round_id, mark)
        VALUES (TG_ARGV[0], 0, floor(random() * 1e18)::bigint)
        ON CONFLICT (topic, round_id) DO UPDATE SET mark = excluded.mark;
        RETURN NULL;
    END IF;
    -- The mark of every round whose rows the statement touched, in the order of their ids
    -- (two statements that touch the same rounds so wait for each other, never deadlock).
    IF TG_OP = 'INSERT' THEN
        INSERT INTO change_mark (topic, round_id, mark)
        SELECT TG_ARGV[0], touched.round_id, floor(random() * 1e18)::bigint
        FROM (SELECT DISTINCT round_id FROM new_rows) AS touched ORDER BY touched.round_id
        ON CONFLICT (topic, round_id) DO UPDATE SET mark = excluded.mark;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO change_mark (topic, round_id, mark)
        SELECT TG_ARGV[0], touched.round_id, floor(random() * 1e18)::bigint
        FROM (SELECT DISTINCT round_id FROM old_rows) AS touched ORDER BY touched.round_id
        ON CONFLICT (topic, round_id) DO UPDATE SET mark = excluded.mark;
    ELSE
        INSERT INTO change_mark (topic, round_id, mark)
        SELECT TG_ARGV[0], touched.round_id, floor(random() * 1e18)::bigint
        FROM (SELECT round_id FROM new_rows UNION SELECT round_id FROM old_rows) AS touched
        ORDER BY touched.round_id
        ON CONFLICT (topic, round_id) DO UPDATE SET mark = excluded.mark;
    END IF;
    RETURN NULL;
END $$
"""

_PG_ROW_FUNCTION = """
CREATE FUNCTION change_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO change_mark (topic, round_id, mark)
        VALUES (TG_ARGV[0], OLD.round_id, floor(random() * 1e18)::bigint)
        ON CONFLICT (topic, round_id) DO UPDATE SET mark = excluded.mark;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO change_mark (topic, round_id, mark)
        VALUES (TG_ARGV[0], NEW.round_id, floor(random() * 1e18)::bigint)
        ON CONFLICT (topic, round_id) DO UPDATE SET mark = excluded.mark;
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
    return f"change_mark_{table}_{operation}"


def upgrade() -> None:
    op.create_table(
        "change_mark",
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("mark", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("topic", "round_id", name=op.f("pk_change_mark")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table, per_round in MARKED.items():
            for operation in OPERATIONS:
                referencing = _PG_REFERENCING[operation] if per_round else ""
                arguments = f"'{table}', 'round'" if per_round else f"'{table}'"
                op.execute(
                    f"CREATE TRIGGER {_trigger(table, operation)} AFTER {operation.upper()} "
                    f"ON {table} {referencing} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION change_mark_set({arguments})"
                )
        op.execute(_PG_ROW_FUNCTION)
        for operation, condition in SUBMITTED.items():
            op.execute(
                f"CREATE TRIGGER {_trigger('response', operation)} AFTER {operation.upper()} "
                f"ON response FOR EACH ROW WHEN ({condition}) "
                "EXECUTE FUNCTION change_mark_row('response')"
            )
        return
    for table, per_round in MARKED.items():
        for operation in OPERATIONS:
            rounds = [f"{row}.round_id" for row in ROWS[operation]] if per_round else ["0"]
            body = "\n    ".join(_SQLITE_SET.format(topic=table, round=r) for r in rounds)
            op.execute(
                f"CREATE TRIGGER {_trigger(table, operation)} AFTER {operation.upper()} "
                f"ON {table} FOR EACH ROW BEGIN\n    {body}\nEND"
            )
    for operation, condition in SUBMITTED.items():
        body = "\n    ".join(
            _SQLITE_SET.format(topic="response", round=f"{row}.round_id") for row in ROWS[operation]
        )
        op.execute(
            f"CREATE TRIGGER {_trigger('response', operation)} AFTER {operation.upper()} "
            f"ON response FOR EACH ROW WHEN {condition} BEGIN\n    {body}\nEND"
        )


def downgrade() -> None:
    for table in [*MARKED, "response"]:
        for operation in OPERATIONS:
            trigger = _trigger(table, operation)
            if op.get_bind().dialect.name == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS change_mark_set()")
        op.execute("DROP FUNCTION IF EXISTS change_mark_row()")
    op.drop_table("change_mark")
