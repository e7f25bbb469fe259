"""The one-scan engine gives exactly the matches of Python's ``re``, on every backend.

- every character class of every shipped rule, folded, contains what Python's class matches,
  checked on every code point, and Hyperscan reads the emitted class syntax as intended;
- on generated texts (cue words, digits, Chinese, odd white space and case variants), each
  backend's ``finditer``, ``search``, ``search_slice`` and ``finditer_in_windows`` equal ``re``'s;
- texts Hyperscan cannot take (lone surrogates) fall back to the literal scan.
"""

from __future__ import annotations

import pickle
import re
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ponzidetect
from ponzidetect import _superset, scanner
from ponzidetect.regex_safety import sre_constants as C
from ponzidetect.regex_safety import sre_parse
from ponzidetect.scanner import Database, compile_rule

BACKENDS = ["literals"] + (["hyperscan"] if scanner.hyperscan is not None else [])


@cache
def _database(backend: str) -> Database:
    return Database(ponzidetect.default_registry().database.rules, backend=backend)


def _rules():
    return ponzidetect.default_registry().database.rules


# ---------------------------------------------------------------------------------------------
# Character classes


def _python_source(op, arg) -> str:
    def item(kind, value) -> str:
        if kind == C.LITERAL:
            return f"\\U{value:08x}"
        if kind == C.RANGE:
            return f"\\U{value[0]:08x}-\\U{value[1]:08x}"
        if kind == C.CATEGORY:
            return {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D",
                    C.CATEGORY_SPACE: r"\s", C.CATEGORY_NOT_SPACE: r"\S",
                    C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}[value]
        if kind == C.NEGATE:
            return "^"
        raise AssertionError(kind)

    if op == C.LITERAL:
        return f"\\U{arg:08x}"
    if op == C.NOT_LITERAL:
        return f"[^\\U{arg:08x}]"
    return "[" + "".join(item(kind, value) for kind, value in arg) + "]"


def _members(ranges) -> set[int]:
    return {code for low, high in ranges for code in range(low, high + 1)}


def test_every_class_superset_holds_on_every_code_point() -> None:
    everything = _superset._all_characters()
    fold = _superset.scan_fold()
    checked = 0
    for rule in _rules():
        parsed = sre_parse.parse(rule.regex.pattern, rule.regex.flags)
        nodes: list = []
        _collect(parsed, parsed.state.flags, nodes)
        for op, arg, flags in nodes:
            key = (op, repr(arg), flags & re.IGNORECASE)
            if key in _SEEN:
                continue
            _SEEN.add(key)
            python = re.compile(_python_source(op, arg), flags & re.IGNORECASE)
            matched = {fold.get(ord(ch), ord(ch)) for ch in python.findall(everything)}
            ignorecase = bool(flags & re.IGNORECASE)
            if op == C.LITERAL:
                ranges = _superset._literal_variants(arg, ignorecase)[1]
            elif op == C.NOT_LITERAL:
                ranges = _superset._complement(_superset._literal_variants(arg, ignorecase)[0])
            else:
                ranges = _superset.class_ranges(arg, ignorecase)
            emitted = _superset.coarsen(_superset.scan_image(ranges))
            missing = matched - _members(_superset._without_surrogates(emitted))
            assert not missing, (rule.name, _python_source(op, arg), sorted(missing)[:10])
            checked += 1
    assert checked > 50


_SEEN: set = set()


def _collect(items, flags, out) -> None:
    for op, arg in items:
        if op in (C.LITERAL, C.NOT_LITERAL, C.IN):
            out.append((op, arg, flags))
        elif op == C.SUBPATTERN:
            _collect(arg[3], (flags | arg[1]) & ~arg[2], out)
        elif op == C.BRANCH:
            for branch in arg[1]:
                _collect(branch, flags, out)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            _collect(arg[2], flags, out)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _collect(arg[1], flags, out)


def test_case_variants_of_ascii_letters_are_what_python_ignorecase_matches() -> None:
    everything = _superset._all_characters()
    for letter in "abcdefghijklmnopqrstuvwxyz":
        found = {ord(ch) for ch in re.findall(letter, everything, re.IGNORECASE)}
        assert found == _members(_superset._literal_variants(ord(letter), True)[1]), letter


@pytest.mark.skipif(scanner.hyperscan is None, reason="hyperscan not installed")
@pytest.mark.parametrize("ranges", [
    ((0x30, 0x39),),
    ((0x61, 0x7A), (0x4E00, 0x9FFF)),
    ((0x80, 0x10FFFF),),
    ((0x9, 0xD), (0x1C, 0x20), (0x3002, 0x3002), (0xFF01, 0xFF01)),
    _superset._complement(((0xA, 0xA), (0x3002, 0x3002))),
])
def test_hyperscan_reads_emitted_classes_as_their_ranges(ranges) -> None:
    hyperscan = scanner.hyperscan
    expression = _superset.emit_class(ranges)
    ranges = _superset._without_surrogates(_superset.coarsen(_superset.scan_image(ranges)))
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[expression.encode()], ids=[0], flags=[scanner._HS_FLAGS])
    probes = sorted({code for low, high in ranges for code in (low - 1, low, high, high + 1)
                     if 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF})
    for code in probes:
        hits: list[int] = []
        database.scan(chr(code).encode(), match_event_handler=lambda *a, found=hits: found.append(1))
        inside = any(low <= code <= high for low, high in ranges)
        assert bool(hits) == inside, (hex(code), expression)


# ---------------------------------------------------------------------------------------------
# Matches on generated texts


FRAGMENTS = [
    "guaranteed ", "returns ", "daily ", "1.5% ", "200% ", "profit ", "earn ", "deposit ",
    "invest ", "x2 ", "3x ", "rank ", "levels ", "v1-v7 ", "roadshow ", "dubai ", "referral ",
    "10 ", "0.5 ", "eth ", "bnb ", "send ", "get ", "back ", "per day ", "\n", ". ", ", ",
    "保本", "保息", "日息", "1%", "每天", "月息", "30%", "返", "投", "1万", "倍", "出局", "推荐",
    "会员", "等级", "级", "至", "星", "本金", "翻倍", "天", "元", "每枚", "固定", "。", "，",
    "\u2003", "\u00a0", "\u0660", "\u0967", "K", "ſ", "İ", "ı", "Guaranteed ", "%", " ", "-",
    "not ", "no ", "不", "风险",
]
TEXTS = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=60).map("".join)


def _spans(matches) -> list[tuple[int, int, tuple]]:
    return [(m.start(), m.end(), m.groups()) for m in matches]


@pytest.mark.parametrize("backend", BACKENDS)
@given(text=TEXTS)
def test_scan_finditer_equals_re_on_generated_texts(backend: str, text: str) -> None:
    scan = _database(backend).scan(text)
    for rule in _rules():
        assert _spans(scan.finditer(rule)) == _spans(rule.regex.finditer(text)), rule.name


@pytest.mark.parametrize("backend", BACKENDS)
@given(text=TEXTS, data=st.data())
def test_scan_searches_equal_re_on_generated_texts(backend: str, text: str, data) -> None:
    scan = _database(backend).scan(text)
    low = data.draw(st.integers(0, len(text)))
    high = data.draw(st.integers(low, len(text) + 3))
    windows = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, 80)),
                                 max_size=4))
    windows = [(start, start + size) for start, size in windows]
    for rule in _rules():
        expected = rule.regex.search(text, low, high)
        found = scan.search(rule, low, high)
        assert (found and found.span()) == (expected and expected.span()), rule.name
        expected = rule.regex.search(text[low:high])
        found = scan.search_slice(rule, low, high)
        assert (found and found.span()) == (expected and expected.span()), rule.name
        assert (_spans(scan.finditer_in_windows(rule, windows))
                == _spans(scanner.finditer_in_windows(rule.regex, text, windows))), rule.name


@pytest.mark.parametrize("backend", BACKENDS)
def test_lone_surrogates_fall_back_and_stay_exact(backend: str) -> None:
    text = "guaranteed daily returns of 2% \ud800 保本保息，日息1%"
    scan = _database(backend).scan(text)
    for rule in _rules():
        assert _spans(scan.finditer(rule)) == _spans(rule.regex.finditer(text)), rule.name


def test_rules_outside_the_database_run_on_the_whole_text() -> None:
    stranger = compile_rule(r"profit\s{1,2}now", name="test.stranger")
    scan = _database(BACKENDS[0]).scan("make profit now")
    assert [m.span() for m in scan.finditer(stranger)] == [(5, 15)]
    assert scan.has_hits(stranger)


def test_database_pickles_without_its_compiled_state() -> None:
    database = _database(BACKENDS[-1])
    database.scan("warm up")
    copy = pickle.loads(pickle.dumps(database))
    text = "Guaranteed 2% daily returns"
    for rule_a, rule_b in zip(database.rules, copy.rules, strict=True):
        assert (_spans(database.scan(text).finditer(rule_a))
                == _spans(copy.scan(text).finditer(rule_b)))


@pytest.mark.skipif(scanner.hyperscan is None, reason="hyperscan not installed")
def test_compiled_database_is_cached_and_reloaded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PONZIDETECT_CACHE", str(tmp_path))
    rules = [compile_rule(r"guaranteed\s{1,3}returns?", name="test.cache")]
    first = Database(rules, backend="hyperscan")
    assert [m.span() for m in first.scan("guaranteed  returns").finditer(rules[0])] == [(0, 19)]
    assert len(list(tmp_path.glob("hs-*.db"))) == 1
    second = Database(rules, backend="hyperscan")
    assert [m.span() for m in second.scan("a guaranteed return").finditer(rules[0])] == [(2, 19)]


def test_unknown_backend_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="use one of"):
        Database([], backend="re2")


@given(st.lists(st.tuples(st.integers(0, 5_000), st.integers(1, 30)), min_size=1, max_size=300),
       st.integers(1, 80), st.integers(1, 120))
def test_window_merging_is_the_same_with_numpy_and_without(spans, width, reach) -> None:
    rule = scanner.Rule("test", re.compile("x"), width, reach, None, None)
    spans.sort()
    hits = scanner._Hits([s for s, _ in spans], [s + n for s, n in spans])
    merged = scanner.Scan._merge_hits(rule, hits)
    reference = scanner.merge_windows((max(0, e - width), s + reach)
                                      for s, e in zip(hits.starts, hits.ends, strict=True))
    assert merged == reference
