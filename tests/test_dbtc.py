"""The anchor case: a DBTC-style paragraph (written by the team) in English and Chinese."""

from __future__ import annotations

import pytest

from ponzidetect import extract_flags

DBTC_EN = (
    "Da Tang Coin is sold only through our company at a fixed price of 3 RMB per coin, and the "
    "price only goes up every day. Our sales force of 148 people is organised in 10 ranks, each "
    "rank earning more from the team below it. This spring we ran promotion tours in Phnom Penh, "
    "Xi'an and Ningbo. They hired an anonymous foreign man to act as CEO of the Hong Kong "
    "sub-company, so investors believe it is an international project."
)
DBTC_ZH = (
    "大唐币由公司统一发行，固定价格每枚3元，只涨不跌。公司销售团队共148人，分为十个等级，等级越高提成越多。"
    "今年先后在金边、西安、宁波举办推介会。公司雇佣外籍男子担任香港子公司的CEO，对外宣称是国际项目。"
)


@pytest.mark.parametrize(
    ("text", "flag_id", "value", "span_words"),
    [
        (DBTC_EN, "fixed_token_price", 3.0, ["3 RMB"]),
        (DBTC_EN, "tiered_sales_ranks", 10, ["10 ranks"]),
        (DBTC_EN, "promotion_tours", None, ["Phnom Penh", "Xi'an", "Ningbo"]),
        (DBTC_EN, "foreign_figurehead", None, ["foreign man"]),
        (DBTC_ZH, "fixed_token_price", 3.0, ["3元"]),
        (DBTC_ZH, "tiered_sales_ranks", 10, ["十个等级"]),
        (DBTC_ZH, "promotion_tours", None, ["金边", "西安", "宁波"]),
        (DBTC_ZH, "foreign_figurehead", None, ["外籍"]),
    ],
)
def test_dbtc_flags_fire_with_right_spans_and_values(text: str, flag_id: str, value: object,
                                                     span_words: list[str]) -> None:
    result = extract_flags(text).get(flag_id)
    assert result.fired
    spans = [e.text for e in result.evidence if not e.negated]
    for word in span_words:
        assert any(word in span for span in spans), (word, spans)
    for evidence in result.evidence:
        assert text[evidence.start:evidence.end] == evidence.text
    if flag_id == "promotion_tours":
        assert result.value >= 3
    elif value is not None:
        assert result.value == value
    if flag_id == "fixed_token_price":
        assert result.unit == "CNY"
