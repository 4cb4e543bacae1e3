"""The three ways the privacy promise broke (issue 14), tried through the app as a coordinator or
a respondent would: pages and downloads before and after, then the subtraction. Each finds
nothing to subtract (DESIGN rules 5b, 6 and 8)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from respondent_support import answer_all, current_revision, enter, page_form
from sqlmodel import func, select
from test_dashboard import chart_data
from test_exchange import HEADER, ROWS, import_rows, responses_csv, row

from conftest import close_round, login
from selfscan.models import Response
from selfscan.services.exchange import ImportRejected

DASHBOARD = "/regio/regio-a/resultaten/ronde-1"
SCORES = DASHBOARD + "/scores.csv"
DECIMAL = re.compile(r"\d,\d\d")  # a mean, sd, min or max as the Dutch pages write them


def main(page: str) -> str:
    found = re.search(r"<main.*?</main>", page, re.S)
    assert found is not None
    return found.group(0)


def figures_on(client, url: str) -> list[str]:
    """Every decimal figure in a page's text and tables (counts of people are whole numbers;
    the numbers of a drawing are left out: its table holds the same)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return DECIMAL.findall(re.sub(r"<svg.*?</svg>", "", main(response.text), flags=re.S))


def submit_through_the_pages(app, db, make, world, value: int, comment: str = ""):
    """Someone invited in region a answers every statement with `value` and submits."""
    invitation, token = make.invitation(world["round"], world["org_a"])
    spec = make.questionnaire_spec()
    person = app.test_client()
    enter(person, token)
    answer_all(person, spec, value)
    if comment:
        form = page_form({"kc-1": value}, comment=comment)
        assert person.post("/vragenlijst/kind-centraal", data=form).status_code == 302
    revision = current_revision(db, invitation.id)
    assert (
        person.post("/vragenlijst/versturen", data={"revision": str(revision)}).status_code == 302
    )
    return person


# --- 1. before and after one submission ----------------------------------------------------------


def test_one_submission_cannot_be_read_from_figures_before_and_after(app, client, db, make, world):
    people = [submit_through_the_pages(app, db, make, world, v) for v in (2, 3, 4, 5)]
    login(client, world["coordinator_a"])
    before = {
        "dashboard": figures_on(client, DASHBOARD),
        "download": client.get(SCORES),
        "compare": client.get("/vergelijken?round=ronde-1&region=regio-a&sector=all"),
        "profile": figures_on(people[0], "/vragenlijst/profiel"),
    }
    # One parent submits, with a comment.
    submit_through_the_pages(app, db, make, world, 1, comment="Alleen ik zeg dit")
    after = {
        "dashboard": figures_on(client, DASHBOARD),
        "download": client.get(SCORES),
        "compare": client.get("/vergelijken?round=ronde-1&region=regio-a&sector=all"),
        "profile": figures_on(people[0], "/vragenlijst/profiel"),
    }
    # While the round is open there are no figures of other people's answers to subtract.
    assert before["dashboard"] == after["dashboard"] == []
    assert before["download"].status_code == after["download"].status_code == 302
    assert before["download"].headers["Location"] == DASHBOARD
    assert before["compare"].status_code == after["compare"].status_code == 400  # no such round
    assert "data-chart" not in after["compare"].text
    # The earlier respondent sees only their own score (2,00), before and after.
    assert before["profile"] == after["profile"] == ["2,00"] * 5
    assert "Alleen ik zeg dit" not in client.get(DASHBOARD).text
    # Participation may be shown: five of five responded.
    assert ">5</td>" in client.get(DASHBOARD).text

    # At the close the figures appear once, with the comment; everyone's profile shows them.
    close_round(db, world["round"])
    page = client.get(DASHBOARD).text
    assert "3,00" in page  # (2 + 3 + 4 + 5 + 1) / 5
    assert "Alleen ik zeg dit" in page
    assert "3,00" in people[0].get("/vragenlijst/profiel").text

    # After that, one response more cannot come in to be subtracted: an import of one is refused.
    result = app.test_cli_runner().invoke(
        args=["import-responses", "--round", "ronde-1", str(_one_row_file(app, world))]
    )
    assert result.exit_code == 1
    assert "an import may change them only by adding at least 3 responses" in result.output
    assert db.exec(select(func.count()).select_from(Response)).one() == 5


def _one_row_file(app, world) -> Path:
    path = Path(app.instance_path) / "one-more.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(responses_csv([row("regio-a", "School A", "po", "5")], HEADER))
    return path


# --- 2. a private region through "all regions" --------------------------------------------------


def test_a_private_region_cannot_be_read_from_all_regions(client, db, make, world):
    # Region a shares by name; b is private and the only one with jgz responses (3). Region c
    # shares by name, so that three regions are pooled.
    region_a, region_b = world["region_a"], world["region_b"]
    region_a.sharing = "named"
    db.add(region_a)
    region_c = make.region("regio-c", "Regio C", sharing="named")
    round_ = make.round("ronde-2", (region_a, region_b, region_c), title="Ronde 2")
    rows = (
        [row("regio-a", "School A", "po", "4")] * 3
        + [row("regio-b", "GGD B", "jgz", "1")] * 3
        + [row("regio-c", "School C", "po", "3")] * 3
    )
    import_rows(db, round_, rows)
    close_round(db, round_)
    login(client, world["coordinator_a"])
    own = list(
        csv.reader(io.StringIO(client.get("/regio/regio-a/resultaten/ronde-2/scores.csv").text))
    )
    # All regions minus a and c (which coordinator a sees by name) would be region b: no row of
    # all regions reaches them, neither all sectors nor jgz.
    assert {r[1] for r in own[1:]} == {"regio-a"}
    query = "?round=ronde-2&region=regio-a&region=regio-c&sector=all&sector=jgz&pooled=y"
    page = client.get("/vergelijken" + query)
    assert page.status_code == 200
    assert [t["name"] for t in chart_data(page.text)] == ["Regio A · Ronde 2", "Regio C · Ronde 2"]
    assert "1,00" not in main(page.text)
    # The programme team sees every region anyway, and all regions with them.
    programme = client.application.test_client()
    login(programme, world["programme"])
    rows = list(csv.reader(io.StringIO(programme.get("/vergelijken/ronde-2/scores.csv").text)))
    groups = {(r[1], r[2]) for r in rows[1:]}
    assert {("all", "all"), ("regio-b", "jgz")} <= groups
    assert ("all", "jgz") not in groups  # one region's jgz is never "all regions" (rule 6)


# --- 3. one person's score on one principle -----------------------------------------------------


def test_one_persons_score_on_one_principle_is_never_shown(client, db, world):
    kc_unknown = ["nvt"] * 6
    rows = [
        row("regio-a", "Ouderraad", "ouders", "4"),
        row("regio-a", "Ouderraad", "ouders", "2", kc=kc_unknown),
        row("regio-a", "Ouderraad", "ouders", "3", kc=kc_unknown),
    ]
    import_rows(db, world["round"], rows)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    scores = list(csv.reader(io.StringIO(client.get(SCORES).text)))
    principles = {(r[2], r[3]) for r in scores[1:]}
    # The three responses are shown on the other principles; on kind-centraal only one has a
    # score, so there is no row for it, and no 4,00 (that person's score) anywhere.
    assert ("all", "geintegreerd-aanbod") in principles
    assert not any(p == "kind-centraal" for _, p in principles)
    page = client.get(DASHBOARD).text
    spread = page.split('id="spread-heading"', 1)[1].split("</table>", 1)[0]
    kc_row = spread.split("Het kind centraal", 1)[1].split("</tr>", 1)[0]
    assert "4,00" not in kc_row and "–" in kc_row
    # The statements of kind-centraal have one valid answer each: no statement mean either.
    statements = page.split('id="statements-heading"', 1)[1].split("</table>", 1)[0]
    assert "4,00" not in statements


# --- 4. before and after an import into released figures ----------------------------------------
# Region a holds po 3, gemeente 3 and vo 1 (test_exchange.ROWS): vo is hidden, and so is po
# (the smallest remaining sector, first in the list). The total and gemeente are shown.


def _refused(db, world, rows) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        import_rows(db, world["round"], rows)
    db.rollback()
    assert db.exec(select(func.count()).select_from(Response)).one() == len(ROWS)
    return rejected.value.errors


@pytest.fixture
def released(db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])


def test_an_import_that_moves_the_suppression_is_refused(released, db, world):
    # Three po responses: po (6) is shown and gemeente (3) now hidden. Every changed figure
    # gains three scores, as rule 8's count asks, yet the total after, minus po after, minus
    # gemeente before, is the one vo response.
    errors = _refused(db, world, [row("regio-a", "School A", "po", "5")] * 3)
    assert any(
        "principle 'samen-beter': the figures before and after together would give the figures "
        "of 1 score(s) (sector 'vo' already stored)" in error
        for error in errors
    ), errors


def test_an_import_that_changes_a_statement_figure_with_fewer_than_k_answers_is_refused(
    released, db, world
):
    # Three gemeente responses: enough for every principle, but only one answers kc-1, so the
    # statement's figure for gemeente (shown in the report) would move by one person's answer.
    only_one = [row("regio-a", "Gemeente X", "gemeente", "4", kc=["1"])] + [
        row("regio-a", "Gemeente X", "gemeente", "4", kc=["nvt"])
    ] * 2
    errors = _refused(db, world, only_one)
    assert any(
        "group 'gemeente', statement 'kc-1': would change with 1 new score(s)" in e for e in errors
    ), errors
    assert any("statement 'kc-1': the figures before and after together" in e for e in errors)
    assert not any("principle 'kind-centraal'" in e for e in errors)  # the principles may change


def test_an_import_of_dont_know_only_is_refused_as_it_moves_the_shares(released, db, world):
    # No scores at all, but the share of "don't know" per statement would move by two people.
    errors = _refused(db, world, [row("regio-a", "Gemeente X", "gemeente", "nvt")] * 2)
    assert any("region 'regio-a': its figures" in e and "2 new response(s)" in e for e in errors)


def test_an_import_that_moves_a_statement_out_of_hiding_is_refused(released, db, world):
    # Three more gemeente responses look harmless, but gemeente has two answers on kc-4 (hidden
    # there, rule 5b) and five after: the total before, minus (the total after minus gemeente
    # after), is those two answers.
    errors = _refused(db, world, [row("regio-a", "Gemeente X", "gemeente", "4")] * 3)
    assert any(
        "statement 'kc-4': the figures before and after together would give the figures of "
        "2 score(s) (sector 'gemeente' already stored)" in e
        for e in errors
    ), errors


def test_an_import_that_reveals_nothing_goes_ahead(released, db, world):
    # Three jgz responses: a new group of three, shown, and nothing else moves.
    report = import_rows(db, world["round"], [row("regio-a", "GGD A", "jgz", "4")] * 3)
    assert report.responses == 3
    assert db.exec(select(func.count()).select_from(Response)).one() == len(ROWS) + 3
