"""The score tables' numbers: the fast fixed formats give exactly Babel's text in both languages."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import Babel, force_locale
from hypothesis import given
from hypothesis import strategies as st

from selfscan.texts import NONE, number, signed

values = st.floats(min_value=-1000, max_value=1000, allow_nan=False) | st.sampled_from(
    [0.0, -0.0, -0.004, 0.005, 0.015, 2.675, 3.333333, 4.995, -1.005, 1234.5]
)


APP = Flask(__name__)  # the formatting needs only Babel, not the database
Babel(APP)


@pytest.mark.parametrize("language", ["nl", "en"])
@given(value=values)
def test_numbers_match_babel(language, value):
    with APP.test_request_context(), force_locale(language):
        rounded = round(value, 2) + 0.0
        assert number(value) == format_decimal(rounded, format="0.00", locale=language)
        assert signed(value) == format_decimal(rounded, format="+0.00;-0.00", locale=language)


def test_numbers_in_both_notations():
    with APP.test_request_context():
        with force_locale("nl"):
            assert (number(3.254), signed(0.25), signed(-0.1), signed(-0.001)) == (
                "3,25",
                "+0,25",
                "-0,10",
                "+0,00",
            )
        with force_locale("en"):
            assert (number(3.254), number(1234.5), signed(-0.1)) == ("3.25", "1234.50", "-0.10")
        assert number(None) == signed(None) == NONE
