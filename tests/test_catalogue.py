"""Every catalogue example is a test case: positives fire their flag, hard negatives do not.

Obfuscated variants of the positives (full-width, zero-width, look-alike letters, spaced words,
traditional characters) must fire the same flag, with spans that point into the obfuscated text.
"""

from __future__ import annotations

import tomllib

import pytest

import ponzidetect
from ponzidetect.catalogue import LANGS, CatalogueError, default_catalogue_dir, load_catalogue, parse_flag
from ponzidetect.normalize import normalise

REGISTRY = ponzidetect.default_registry()
MIN_EXAMPLES = 7
MAX_PATTERN_LINE = 400  # longer rules are written as named alternatives or verbose


def _cases(polarity: str) -> list:
    cases = []
    for spec in REGISTRY:
        source = spec.examples.positive if polarity == "positive" else spec.examples.negative
        for lang in LANGS:
            for index, text in enumerate(source.get(lang, ())):
                cases.append(pytest.param(spec.id, text, id=f"{spec.id}-{lang}-{index}"))
    return cases


@pytest.mark.parametrize("flag_id", REGISTRY.ids)
@pytest.mark.parametrize("lang", LANGS)
def test_each_flag_has_enough_examples(flag_id: str, lang: str) -> None:
    spec = REGISTRY.get(flag_id)
    assert len(spec.examples.positive.get(lang, ())) >= MIN_EXAMPLES
    assert len(spec.examples.negative.get(lang, ())) >= MIN_EXAMPLES


@pytest.mark.parametrize(("flag_id", "text"), _cases("positive"))
def test_positive_example_fires(flag_id: str, text: str) -> None:
    result = ponzidetect.extract_flags(text).get(flag_id)
    assert result.fired, f"{flag_id} did not fire on {text!r}"
    for evidence in result.evidence:
        assert text[evidence.start:evidence.end] == evidence.text


@pytest.mark.parametrize(("flag_id", "text"), _cases("negative"))
def test_negative_example_does_not_fire(flag_id: str, text: str) -> None:
    result = ponzidetect.extract_flags(text).get(flag_id)
    assert not result.fired, f"{flag_id} fired on {text!r}: {[e.text for e in result.evidence]}"


FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
HOMOGLYPH = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с"}


def _fullwidth(text: str) -> str:
    return "".join(FULLWIDTH.get(ch, ch) for ch in text)


def _zero_width(text: str) -> str:
    return "\u200b".join(text)


def _homoglyph(text: str) -> str:
    return "".join(HOMOGLYPH.get(ch, ch) for ch in text)


TRADITIONAL = str.maketrans({"赚": "賺", "稳": "穩", "证": "證", "奖": "獎", "荐": "薦",
                             "级": "級", "团": "團", "队": "隊", "币": "幣", "价": "價"})

OBFUSCATIONS = {
    "fullwidth": _fullwidth,
    "zero_width": _zero_width,
    "homoglyph": _homoglyph,
    "traditional": lambda text: text.translate(TRADITIONAL),
}


def _obfuscation_cases() -> list:
    cases = []
    for spec in REGISTRY:
        for lang in LANGS:
            for index, text in enumerate(spec.examples.positive.get(lang, ())[:2]):
                for name in OBFUSCATIONS:
                    if name == "homoglyph" and lang == "zh":
                        continue
                    cases.append(pytest.param(spec.id, text, name,
                                              id=f"{spec.id}-{lang}-{index}-{name}"))
    return cases


@pytest.mark.parametrize(("flag_id", "text", "obfuscation"), _obfuscation_cases())
def test_obfuscated_positive_fires_with_mapped_spans(flag_id: str, text: str,
                                                     obfuscation: str) -> None:
    disguised = OBFUSCATIONS[obfuscation](text)
    clear = ponzidetect.extract_flags(text).get(flag_id)
    hidden = ponzidetect.extract_flags(disguised).get(flag_id)
    assert hidden.fired, f"{flag_id} missed the {obfuscation} variant {disguised!r}"
    for evidence in hidden.evidence:
        assert disguised[evidence.start:evidence.end] == evidence.text
    seen = {normalise(e.text).text.lower() for e in hidden.evidence if not e.negated}
    expected = {normalise(e.text).text.lower() for e in clear.evidence if not e.negated}
    assert seen == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"version": 1}, "missing field 'id'"),
        ({"id": "Bad-Id", "version": 1}, "snake_case"),
        ({"id": "x_flag", "version": 1, "family": "f", "name": {"en": "x", "zh": "x"}},
         "needs patterns or an extractor"),
        ({"id": "x_flag", "version": 1, "family": "f", "name": {"en": "x", "zh": "x"},
          "patterns": [{"lang": "en", "regex": "(a+)+b"}]}, "unbounded repetition"),
        ({"id": "x_flag", "version": 1, "family": "f", "name": {"en": "x", "zh": "x"},
          "patterns": [{"lang": "fr", "regex": "a"}]}, "lang must be en or zh"),
    ],
)
def test_malformed_flag_file_is_rejected_with_clear_message(content: dict, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_flag(content, "x.toml", {})


def test_duplicate_ids_are_rejected(tmp_path) -> None:
    body = 'id = "dup_flag"\nversion = 1\nfamily = "f"\nname = {en = "a", zh = "b"}\n' \
           '[[patterns]]\nlang = "en"\nregex = "abc"\n'
    (tmp_path / "a.toml").write_text(body, encoding="utf-8")
    (tmp_path / "b.toml").write_text(body, encoding="utf-8")
    with pytest.raises(CatalogueError, match="duplicate flag id"):
        load_catalogue(tmp_path)


def _pattern_sources() -> list:
    cases = []
    for path in sorted(default_catalogue_dir().glob("[!_]*.toml")):
        for pattern in tomllib.loads(path.read_text("utf-8")).get("patterns", []):
            regexes = [("", pattern["regex"])] if "regex" in pattern else [
                (f".{item['id']}", item["regex"]) for item in pattern["alternatives"]]
            for suffix, regex in regexes:
                cases.append(pytest.param(regex, id=f"{path.stem}-{pattern['id']}{suffix}"))
    return cases


@pytest.mark.parametrize("regex", _pattern_sources())
def test_pattern_lines_are_short_enough_to_review(regex: str) -> None:
    longest = max(len(line) for line in regex.splitlines())
    assert longest <= MAX_PATTERN_LINE, (
        f"a {longest}-character pattern line: split it into named alternatives "
        "(scripts/split_alternatives.py) or write it with verbose = true")
