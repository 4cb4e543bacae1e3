"""The schema comes only from the migrations, and the migrations agree with the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from conftest import throwaway_database
from selfscan.infra import migrate
from selfscan.infra.db import make_engine
from selfscan.models import metadata


def test_upgrade_to_head_matches_the_models_and_downgrade_empties(tmp_path: Path):
    with throwaway_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            assert inspect(engine).get_table_names() == []
            migrate.upgrade(engine)
            assert migrate.current_revision(engine) == migrate.head_revision(engine)
            assert set(metadata.tables) <= set(inspect(engine).get_table_names())
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                drift = compare_metadata(context, metadata)
            assert drift == [], f"models and migrations disagree: {drift}"
            migrate.downgrade(engine, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade(engine)  # and up again: the downgrade left nothing behind
            assert migrate.current_revision(engine) == migrate.head_revision(engine)
        finally:
            engine.dispose()


def test_drift_is_detected(tmp_path: Path):
    """The comparison above can fail: a column the migrations lack shows up as drift."""
    from sqlalchemy import Column, Integer, MetaData, Table

    with throwaway_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            extended = MetaData()
            for table in metadata.tables.values():
                table.to_metadata(extended)
            Table("region", extended, Column("extra", Integer), extend_existing=True)
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                drift = compare_metadata(context, extended)
            assert any(d[0] == "add_column" and d[3].name == "extra" for d in drift)
        finally:
            engine.dispose()


def test_the_demo_starts_again_from_a_filled_database(tmp_path: Path):
    """`selfscan demo --reset` undoes every migration over the demo's rows and applies them again.
    On SQLite, altering a table rebuilds it (Alembic's batch mode), which drops the old table while
    other tables' rows refer to it: with foreign keys enforced that failed (scripts/demo's second
    run)."""
    from conftest import make_app

    with throwaway_database(tmp_path) as url:
        app = make_app(url)
        try:
            runner = app.test_cli_runner()
            assert runner.invoke(args=["demo"]).exit_code == 0
            again = runner.invoke(args=["demo", "--reset"])
            assert again.exit_code == 0, again.output
            assert "programma@demo.selfscan.nl" in again.output
            engine = app.extensions["selfscan.engine"]
            if engine.dialect.name == "sqlite":  # enforced again on the pooled connection
                with engine.connect() as connection:
                    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        finally:
            app.extensions["selfscan.engine"].dispose()
