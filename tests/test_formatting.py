import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.formatting import format_number, format_percent


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(2948162, "id", "2.948.162"), (2948162, "en", "2,948,162"), (0, "id", "0"),
     (None, "id", "–"), (float("nan"), "en", "–"), (-1234, "id", "-1.234")],
)
def test_format_number(value, lang, text):
    assert format_number(value, lang) == text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(100.894, "id", "100,89 %"), (100.894, "en", "100.89 %"), (99.3, "id", "99,30 %"),
     (1234.5, "id", "1.234,50 %"), (None, "id", "–")],
)
def test_format_percent(value, lang, text):
    assert format_percent(value, lang) == text


@given(st.integers(min_value=0, max_value=10**12))
def test_indonesian_grouping_reads_back(value):
    assert int(format_number(value, "id").replace(".", "")) == value


@given(st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_percent_shows_two_decimals_with_comma(value):
    text = format_percent(value, "id")
    assert text.endswith(" %") and text[-5] == "," and "." not in text[-6:]
