"""The statement-level export for researchers: every region's statement figures of a closed
round under rules 5 and 5b exactly as the principle figures; the programme team only; nothing
before the round closes (rule 8)."""

from __future__ import annotations

import csv
import io

from test_exchange import ROWS, import_rows

from conftest import close_round, login

URL = "/programma/overzicht/ronde-1/stellingen"


def test_statement_figures_follow_the_rules_of_principle_figures(client, db, world):
    import_rows(db, world["round"], ROWS)
    login(client, world["programme"])
    early = client.get(URL + ".csv")
    assert early.status_code == 302 and early.headers["Location"].endswith(
        "/programma/overzicht/ronde-1"
    )
    close_round(db, world["round"])
    rows = list(csv.reader(io.StringIO(client.get(URL + ".csv").text)))
    assert rows[0] == ["round", "region", "sector", "statement", "n", "mean", "sd", "min", "max"]
    groups = {(r[1], r[2]) for r in rows[1:]}
    # Region a: the total and gemeente are shown, po and vo hidden (test_exchange.ROWS); region
    # b has two responses and is hidden whole.
    assert groups == {("regio-a", "all"), ("regio-a", "gemeente")}
    by_key = {(r[2], r[3]): r for r in rows[1:]}
    # kc-1 for all: 4 5 3 2 4 5 and the vo response's 1: 24/7 = 3.43. kc-4: the third gemeente
    # response and vo said nvt, so 5 answers (4 5 3 2 4): 3.60; gemeente has 2 answers on kc-4,
    # below k: no row (rule 5b).
    assert by_key[("all", "kc-1")][4:6] == ["7", "3.43"]
    assert by_key[("all", "kc-4")][4:6] == ["5", "3.60"]
    assert ("gemeente", "kc-4") not in by_key
    assert by_key[("gemeente", "kc-1")][4:6] == ["3", "3.67"]
    sheet = client.get(URL + ".xlsx")
    assert sheet.status_code == 200 and sheet.data[:2] == b"PK"


def test_only_the_programme_team(client, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    assert client.get(URL + ".csv").status_code == 403
