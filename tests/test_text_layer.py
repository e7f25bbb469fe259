"""Text layer: normalisation, Chinese numerals, language, offsets back to the raw text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponzidetect import Document, extract_flags
from ponzidetect._cn_numerals import numeral_edits, parse_chinese_number
from ponzidetect.language import detect_language
from ponzidetect.normalize import normalise


@pytest.mark.parametrize(
    ("token", "value"),
    [("三", 3), ("十", 10), ("十五", 15), ("二十", 20), ("一千五百", 1500), ("三点五", 3.5),
     ("1.5万", 15000), ("八千六百万", 86_000_000), ("两", 2), ("二〇一八", 2018), ("一万", 10000),
     # colloquial and mixed amounts as pitches write them
     ("一万五", 15000), ("两千五", 2500), ("三百五", 350), ("一百零五", 105), ("二十五", 25),
     ("1万5千", 15000), ("1万5", 15000), ("一万五千", 15000), ("3万2千5百", 32500),
     ("2千5百", 2500), ("1万2500", 12500)],
)
def test_parse_chinese_number(token: str, value: float) -> None:
    assert parse_chinese_number(token) == value


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("日息百分之一点五", "日息1.5%"),
        ("月息百分之三十", "月息30%"),
        ("三成利润", "30%利润"),
        ("千分之五", "0.5%"),
        ("1.5万元", "15000元"),
        ("入金5千,返还1万5千。", "入金5000,返还15000。"),
        ("一万五千元", "15000元"),
        ("投资2千5百元", "投资2500元"),
        ("1万2500元", "12500元"),
        ("投1w返3W", "投10000返30000"),
        ("月入1.5w不是梦", "月入15000不是梦"),
        ("Win 3w prizes, v2w engine", "Win 3w prizes, v2w engine"),
        ("千万不要相信", "千万不要相信"),
        ("V1-V7七个等级", "V1-V7 7个等级"),
        ("投一万返三万", "投10000返30000"),
        ("奖金1万人人有份", "奖金10000人人有份"),
        ("二十倍", "20倍"),
        ("五个等级", "5个等级"),
        ("一起努力", "一起努力"),
        ("统一管理", "统一管理"),
        ("ｇｕａｒａｎｔｅｅｄ ３％", "guaranteed 3%"),
        ("gu\u200bar\u200dan\ufeffteed", "guaranteed"),
        ("g u a r a n t e e d", "guaranteed"),
        ("guаrаntееd", "guaranteed"),  # Cyrillic а and е
        ("Москва", "Москва"),  # a real Russian word is left alone
        ("保 本 保 息", "保本保息"),
        ("穩賺不賠", "稳赚不赔"),
    ],
)
def test_normalise(raw: str, normalised: str) -> None:
    assert normalise(raw).text == normalised


@pytest.mark.parametrize(
    ("text", "language"),
    [("Guaranteed 2% daily returns for all members", "en"),
     ("本平台保本保息，USDT 日息百分之二", "zh"),
     ("Join 大唐币 DBTC today 保本保息 每天 收益 guaranteed daily returns", "mixed"),
     ("12345 %%% !!!", "und")],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("raw", "flag_id", "evidence_text"),
    [
        ("Earn ３％ ｄａｉｌｙ now", "high_periodic_returns", "３％ ｄａｉｌｙ"),
        ("日息百分之一点五", "high_periodic_returns", "日息百分之一点五"),
        ("gu\u200baranteed returns", "guaranteed_returns", "gu\u200baranteed returns"),
        ("保 本 保 息", "guaranteed_returns", "保 本 保 息"),
    ],
)
def test_evidence_spans_point_into_original_text(raw: str, flag_id: str,
                                                  evidence_text: str) -> None:
    result = extract_flags(raw).get(flag_id)
    assert result.fired
    assert [e.text for e in result.evidence if not e.negated] == [evidence_text]
    for evidence in result.evidence:
        assert raw[evidence.start:evidence.end] == evidence.text


@given(st.text(max_size=400))
def test_never_crashes_and_spans_stay_in_bounds(text: str) -> None:
    report = extract_flags(text)
    for result in report.results:
        for evidence in result.evidence:
            assert 0 <= evidence.start <= evidence.end <= len(text)
            assert text[evidence.start:evidence.end] == evidence.text


@given(st.text(alphabet="保本日息百分之一二三十％%0123456789 \u200bｇｕａｒａｎｔｅｅｄdailyguaranteed",
               max_size=200))
def test_adversarial_alphabet_spans_stay_consistent(text: str) -> None:
    doc = Document.from_text(text)
    for start in range(len(doc.text)):
        raw_start, raw_end = doc.raw_span(start, start + 1)
        assert 0 <= raw_start < raw_end <= len(text)


def test_numeral_edits_never_overlap() -> None:
    edits = numeral_edits("百分之三十成三成二十倍1.5万元" * 3)
    for (_, end), (start, _) in zip(((a, b) for a, b, _ in edits),
                                    ((a, b) for a, b, _ in edits[1:]), strict=False):
        assert end <= start
