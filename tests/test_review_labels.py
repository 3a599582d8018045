"""The Data page's report names fields, indicators and provinces, never their keys."""

from __future__ import annotations

import re

import pytest

from utils.ingest import review
from utils.ingest.report import Issue, Report
from utils.metrics.indicators import load_indicators

DEFS = load_indicators()
NAMES = review.Names(DEFS, {"64": "Kalimantan Timur"})
KEY = re.compile(r"\b[a-z_]+\.[a-z_]+\b|\b(?:" + "|".join(DEFS) + r")\b")
"""A field key or an indicator key as stored (``ktp_el.numerator``, ``kia``)."""


@pytest.mark.parametrize(
    ("issue", "id_words", "en_words"),
    [
        (Issue("total_mismatch", 4, {"column": "ktp_el.numerator", "given": 2, "sum": 1}),
         "Perekaman KTP-el — pembilang", "KTP-el recording — numerator"),
        (Issue("percent_only", None, {"indicator": "kia", "count": 2, "rows": "2, 3"}),
         "Kepemilikan KIA", "KIA ownership"),
        (Issue("published_partial", None, {"province": "64", "indicator": "ktp_el", "present": 1,
                                           "regencies": 10, "source": "x"}),
         "64 Kalimantan Timur", "64 Kalimantan Timur"),
        (Issue("confirm_column", None, {"column": "DP4 PEMULA", "column_index": 1,
                                        "field": "ktp_el.denominator", "indicator": "ktp_el"}),
         "DP4 PEMULA", "DP4 PEMULA"),
    ],
)
def test_issue_messages_name_labels_not_keys(issue, id_words, en_words):
    for lang, words in (("id", id_words), ("en", en_words)):
        (row,) = review.issue_rows([issue], lang, NAMES)
        assert words in row["message"] and not KEY.search(row["message"]), row["message"]
    assert KEY.search(issue.message("id"))  # the issue itself keeps its keys (CLI, JSON)


def test_totals_aggregates_and_marked_rows_are_labelled():
    checks = {"ktp_el.numerator": {"ok": True}, "kia.denominator": {"ok": False}}
    report = Report("x.csv", "0", totals=[{"row": 14, "text": "JUMLAH", "checks": checks}],
                    aggregates={"64": {"ktp_el": 99.12}},
                    marked=[{"row": 4, "code": "64.01", "indicator": "ktp_el", "percent": 101.21}])
    (total,) = review.total_rows(report, "id", NAMES)
    assert total["checks"].startswith("Perekaman KTP-el — pembilang") and "✗" in total["checks"]
    assert review.aggregate_rows(report, "id", NAMES) == [
        {"province": "64 Kalimantan Timur", "indicator": "Perekaman KTP-el", "percent": "99,12 %"}]
    (marked,) = review.marked_rows(report, "id", NAMES, {"64.01": "Kabupaten Paser"})
    assert marked == {"row": 4, "code": "64.01 Kabupaten Paser", "indicator": "Perekaman KTP-el",
                      "percent": "101,21 %"}
    (marked,) = review.marked_rows(report, "en", NAMES)
    assert marked["percent"] == "101.21 %" and marked["indicator"] == "KTP-el recording"


@pytest.mark.parametrize("key", ["region.name", "region.code", "period.year", "",
                                 *[f"{i}.{r}" for i in DEFS for r in review.ROLES]])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_field_has_a_label(key, lang):
    label = NAMES.field(key, lang)
    assert label and not KEY.search(label) and "{" not in label
