"""Named alternatives in a flag file: same matches as the single regex, traced per branch."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponzidetect import Document
from ponzidetect.catalogue import CatalogueError, parse_flag
from ponzidetect.engine import Registry, analyse
from ponzidetect.scanner import Database, compile_alternation

BRANCHES = [("doubler", r"doubler"), ("double_your", r"double\s{1,2}your\s{1,2}(?:eth|money)"),
            ("short", r"doub"), ("percent_back", r"(?P<value>1\d{2})\s{0,2}%\s{1,3}back"),
            ("word", r"\bdouble\b")]
SINGLE = re.compile("|".join(pattern for _, pattern in BRANCHES))
ALTERNATION = compile_alternation(BRANCHES, name="test.alt")
FRAGMENTS = ["doubler", "double", " ", "your", "eth", "money", "doub", "150", "% ", "back", "le",
             "x", "\n"]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_alternation_matches_like_the_single_regex(text: str) -> None:
    expected = [(m.span(), m.group()) for m in SINGLE.finditer(text)]
    assert [(m.span(), m.group()) for m in ALTERNATION.finditer(text)] == expected
    for backend in ("literals", "hyperscan", "python"):
        try:
            scan = Database(ALTERNATION.rules, backend=backend).scan(text)
        except ValueError:  # hyperscan not installed
            continue
        assert [(m.span(), m.group()) for m in scan.finditer(ALTERNATION)] == expected


@pytest.mark.parametrize(("text", "branch"), [
    ("a doubler here", "doubler"),
    ("double your eth", "double_your"),
    ("doub", "short"),
    ("150 % back", "percent_back"),
    ("double  it", "short"),  # 'doub' comes before the word branch, as in the single regex
])
def test_each_match_names_its_branch(text: str, branch: str) -> None:
    match = next(ALTERNATION.finditer(text))
    assert ALTERNATION.branch(match) == branch


def _flag(pattern: dict) -> dict:
    return {"id": "test_flag", "version": 1, "family": "test", "name": {"en": "T", "zh": "测"},
            "patterns": [{"id": "en.test", "lang": "en", **pattern}]}


def test_flag_file_alternatives_give_branch_rule_ids_and_the_same_spans() -> None:
    split = parse_flag(_flag({"alternatives": [{"id": i, "regex": r} for i, r in BRANCHES]}),
                       "split.toml", {})
    single = parse_flag(_flag({"regex": SINGLE.pattern}), "single.toml", {})
    text = "Send 1 ETH: the doubler pays 150% back, double your money!"
    doc = Document.from_text(text)
    found = analyse(doc, Registry((split,))).get("test_flag").evidence
    expected = analyse(doc, Registry((single,))).get("test_flag").evidence
    assert [(e.start, e.end, e.value) for e in found] == [(e.start, e.end, e.value) for e in expected]
    assert [e.rule_id for e in found] == ["en.test.doubler", "en.test.percent_back",
                                          "en.test.double_your"]
    assert {e.rule_id for e in expected} == {"en.test"}


def test_verbose_pattern_reads_like_the_one_line_pattern() -> None:
    verbose = parse_flag(_flag({"verbose": True, "regex": """
        guaranteed \\s{1,3}       # the promise
        (?: returns? | profits? )  # of what
    """}), "verbose.toml", {})
    doc = Document.from_text("Guaranteed  profits, guaranteed returns")
    evidence = analyse(doc, Registry((verbose,))).get("test_flag").evidence
    assert [e.text for e in evidence] == ["Guaranteed  profits", "guaranteed returns"]


@pytest.mark.parametrize(("pattern", "message"), [
    ({"regex": "a", "alternatives": [{"id": "a", "regex": "a"}]}, "either 'regex' or"),
    ({}, "either 'regex' or"),
    ({"alternatives": [{"id": "a", "regex": "ab"}, {"id": "a", "regex": "cd"}]}, "unique"),
    ({"alternatives": [{"id": "a", "regex": "x{0,2}"}]}, "empty string"),
    ({"alternatives": [{"id": "Bad Id", "regex": "ab"}]}, "snake_case"),
    ({"alternatives": ["ab"]}, "must be a table"),
    ({"alternatives": [{"id": "a", "regex": "(a+)+b"}]}, "unbounded"),
])
def test_malformed_alternatives_are_refused_with_the_place(pattern: dict, message: str) -> None:
    with pytest.raises(CatalogueError, match=message) as error:
        parse_flag(_flag(pattern), "bad.toml", {})
    assert "bad.toml pattern #1" in str(error.value)


def test_rule_audit_ranks_branches_by_fires_on_negatives() -> None:
    from ponzidetect.audit import audit_rules, rules_markdown

    texts = ["Double your money in a week, DYOR.", "DYOR: staking has risks.",
             "Not financial advice, just a pool.", "A normal page."]
    rows = audit_rules(texts, [1, 0, 1, 0])
    by_rule = {(r.flag_id, r.rule_id): r for r in rows}
    dyor = by_rule[("risk_disclaimer", "en.disclaimer.dyor")]
    assert (dyor.fired_pos, dyor.fired_neg, dyor.precision) == (1, 1, 0.5)
    assert rows[0].fired_neg >= rows[-1].fired_neg
    table = rules_markdown("tiny", rows, 2, 2)
    assert "| risk_disclaimer | en.disclaimer.dyor | 1 (50.0%) | 1 (50.0%) | 0.50 |" in table


def test_an_extractor_without_a_scan_parameter_still_runs() -> None:
    from ponzidetect.extractors import EXTRACTOR_RULES, EXTRACTORS, Candidate, extractor, get_extractor

    @extractor("test_two_arguments")
    def two_arguments(doc, spec):
        yield Candidate(0, 3, "en.test", 1.0, "en")

    try:
        spec = parse_flag({**_flag({"regex": "zzz"}), "extractor": "test_two_arguments"},
                          "two.toml", {})
        result = analyse(Document.from_text("abc def"), Registry((spec,))).get("test_flag")
        assert [(e.start, e.end) for e in result.evidence] == [(0, 3)]
        assert list(get_extractor("test_two_arguments")(Document.from_text("abc"), spec))
    finally:
        EXTRACTORS.pop("test_two_arguments")
        EXTRACTOR_RULES.pop("test_two_arguments")
