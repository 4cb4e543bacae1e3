"""The `selfscan` command: each command does its job and refuses bad arguments clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.passwords import verify_password
from selfscan.models import (
    Action,
    AgreedPosition,
    AgreementProgress,
    Ambition,
    Organisation,
    QuestionnaireVersion,
    Region,
    Response,
    ResultAgreement,
    Round,
    User,
)


def test_the_installed_command_runs_and_lists_its_commands():
    result = subprocess.run(
        [Path(sys.executable).parent / "selfscan", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    for command in ("db", "questionnaires", "users", "regions", "organisations", "rounds", "demo"):
        assert command in result.stdout


def test_the_installed_command_names_its_version():
    from importlib.metadata import version

    result = subprocess.run(
        [Path(sys.executable).parent / "selfscan", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, f"selfscan {version('selfscan')}\n")


def test_first_programme_account_is_made_with_the_cli(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Team@Example.org",
            "--name",
            "Team",
            "--programme",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.exec(select(User)).one()
    assert (user.email, user.is_programme) == ("team@example.org", True)
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long enough password")


def test_users_create_refuses_bad_arguments(runner, db, make):
    make.region("twente")
    cases = [
        (
            ["users", "create", "--email", "a@example.org", "--name", "A", "--password-stdin"],
            "either --programme or at least one --region",
        ),
        (
            [
                "users",
                "create",
                "--email",
                "a@example.org",
                "--name",
                "A",
                "--region",
                "nowhere",
                "--password-stdin",
            ],
            "unknown region: nowhere",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input="a long enough password\n")
        assert result.exit_code != 0
        assert message in result.output
    short = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--region",
            "twente",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    assert db.exec(select(User)).all() == []


def test_regions_organisations_and_rounds(runner, db):
    assert runner.invoke(args=["questionnaires", "load"]).exit_code == 0
    assert (
        runner.invoke(
            args=["regions", "add", "twente", "Regio Twente", "--sharing", "named"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            args=["organisations", "add", "--region", "twente", "--sector", "po", "OBS Het Kompas"]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        args=[
            "rounds",
            "add",
            "2026-najaar",
            "--title",
            "Najaar 2026",
            "--opens",
            "2026-10-01",
            "--closes",
            "2026-12-01T17:00",
            "--region",
            "twente",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.exec(select(Region.sharing)).one() == "named"
    assert db.exec(select(Organisation.sector)).one() == "po"
    round_ = db.exec(select(Round)).one()
    assert round_.opens_at.isoformat() == "2026-09-30T22:00:00+00:00"  # midnight in Amsterdam


def test_bad_arguments_get_clear_messages_and_change_nothing(runner, db):
    runner.invoke(args=["questionnaires", "load"])
    runner.invoke(args=["regions", "add", "twente", "Regio Twente"])
    cases = [
        (["regions", "add", "Twente Noord", "X"], "must be 2-40 lowercase letters"),
        (["regions", "add", "twente", "Another"], "already exists"),
        (
            ["organisations", "add", "--region", "twente", "--sector", "school", "X"],
            "Invalid value for '--sector'",
        ),
        (
            ["organisations", "add", "--region", "nowhere", "--sector", "po", "X"],
            "unknown region 'nowhere'",
        ),
        (
            [
                "rounds",
                "add",
                "r1",
                "--title",
                "R",
                "--opens",
                "1 maart",
                "--closes",
                "2026-04-01",
                "--region",
                "twente",
            ],
            "is not a date",
        ),
        (
            [
                "rounds",
                "add",
                "r1",
                "--title",
                "R",
                "--opens",
                "2026-04-01",
                "--closes",
                "2026-03-01",
                "--region",
                "twente",
            ],
            "must close after it opens",
        ),
        (
            [
                "rounds",
                "add",
                "r1",
                "--title",
                "R",
                "--questionnaire",
                "zelfscan-mao:9",
                "--opens",
                "2026-03-01",
                "--closes",
                "2026-04-01",
                "--region",
                "twente",
            ],
            "is not loaded",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert len(db.exec(select(Region)).all()) == 1
    assert db.exec(select(Round)).all() == []


def test_questionnaires_validate_names_the_bad_file(runner, app, questionnaire_dir):
    app.config["QUESTIONNAIRE_DIR"] = str(questionnaire_dir)
    path = questionnaire_dir / "zelfscan-mao-v1.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'principle = "samen-beter"', 'principle = "beter"', 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["questionnaires", "validate"])
    assert result.exit_code != 0
    assert "questionnaires/zelfscan-mao-v1.toml: item 'sb-1', field 'principle'" in result.output


def test_an_installations_own_questionnaires_come_beside_the_shipped_ones(
    runner, app, db, tmp_path
):
    own = tmp_path / "own"
    own.mkdir()
    shipped = (PROJECT_ROOT / "questionnaires" / "zelfscan-mao-v1.toml").read_text(encoding="utf-8")
    (own / "zelfscan-mao-v3.toml").write_text(
        shipped.replace("version = 1", "version = 3", 1), encoding="utf-8"
    )
    (own / "zelfscan-mao-v1.toml").write_text(shipped, encoding="utf-8")  # an identical copy
    app.config["QUESTIONNAIRE_DIR"] = str(own)
    result = runner.invoke(args=["questionnaires", "load"])
    assert result.exit_code == 0, result.output
    assert result.output.split("\n")[:3] == [
        "added      zelfscan-mao v1",
        "added      zelfscan-mao v2",
        "added      zelfscan-mao v3",
    ]

    (own / "zelfscan-mao-v1.toml").write_text(
        shipped.replace("Zelfscan", "Onze zelfscan", 1), encoding="utf-8"
    )
    refused = runner.invoke(args=["questionnaires", "validate"])
    assert refused.exit_code != 0
    assert "own/zelfscan-mao-v1.toml: zelfscan-mao v1 is shipped with Selfscan" in refused.output


def test_demo_fills_believable_data_and_prints_logins(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "programma@demo.selfscan.nl" in result.output and "password:" in result.output
    regions = db.exec(select(Region)).all()
    sectors = set(db.exec(select(Organisation.sector)).all())
    rounds = db.exec(select(Round)).all()
    assert len(regions) >= 4 and len(sectors) >= 6 and len(rounds) == 3
    assert [r.state().value for r in sorted(rounds, key=lambda r: r.opens_at)] == [
        "closed",
        "closed",
        "open",
    ]
    # The newest round uses version 2 of the questionnaire, the earlier ones version 1.
    versions = {
        r.key: db.get(QuestionnaireVersion, r.questionnaire_version_id).version  # type: ignore[union-attr]
        for r in rounds
    }
    assert versions == {"demo-voorjaar": 1, "demo-najaar": 1, "demo-nu": 2}
    submitted = db.exec(select(Response).where(Response.status == "submitted")).all()
    assert len(submitted) > 100
    coordinators = db.exec(select(User).where(User.is_programme == False)).all()  # noqa: E712
    assert len(coordinators) == len(regions)
    # The first two regions recorded an agreed position after both closed rounds.
    agreed = db.exec(select(AgreedPosition.region_id, AgreedPosition.round_id)).all()
    assert len(set(agreed)) == 4 and len(agreed) == 4 * 5
    # The first region has ambitions, result agreements with their state in every round, and
    # an action that serves one of them.
    first = min(regions, key=lambda r: r.id)
    assert {a.region_id for a in db.exec(select(Ambition))} == {first.id}
    assert len(db.exec(select(ResultAgreement)).all()) == 2
    assert len(db.exec(select(AgreementProgress)).all()) == 2 * 3
    assert db.exec(select(Action).where(Action.agreement_id != None)).first()  # noqa: E711
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0 and "demo --reset" in again.output
