"""Misses found by reading the detector's output by hand; each case protects one fix.

Named after what they protect: a level-1 referral rate, a generation ladder read as its depth,
a minimum package, a Chinese count that is not an amount (最低一次 is "at least once", not a
minimum deposit of 1), traditional 保證 in any position, a referral depth that is not a sales-rank
ladder, and "daily return" words that are not a miner game.
"""

from __future__ import annotations

import pytest

from ponzidetect import extract_flags


def _live(text: str, flag_id: str) -> list[str]:
    return [e.text for e in extract_flags(text).get(flag_id).evidence if not e.negated]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Referral rewards: 10% on level 1, 5% on level 2, 3% on levels 3 to 5.", "10% on level 1"),
        ("Affiliate commission: level 1 - 10%, level 2 - 5%.", "level 1 - 10%"),
        ("Team bonus 8% for generation 1 and 4% for generation 2 of your referrals.",
         "8% for generation 1"),
    ],
)
def test_level_one_referral_rate_is_evidence(text: str, span: str) -> None:
    assert span in _live(text, "multilevel_referral")


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("一代10%，二代5%，三代3%，四代2%，五代1%。", 5),
        ("直推一代拿百分之十，二代拿百分之五，三代拿百分之三。", 3),
        ("Referral rewards: 10% on level 1, 5% on level 2, 3% on level 3, 2% on level 4, 1% on level 5.", 5),
        ("Earn from 7 levels of referral commission.", 7),
    ],
)
def test_generation_ladder_is_read_as_its_depth(text: str, levels: int) -> None:
    result = extract_flags(text).get("multilevel_referral")
    assert result.fired
    assert result.value == levels


@pytest.mark.parametrize(
    "text",
    [
        "Minimum package 100 USDT, paid out daily.",
        "Minimum plan: $50. Earn daily rewards on every plan.",
        "最低一千元起投，每天返利。",
        "最低一百U起投，每天收益1%。",
    ],
)
def test_minimum_package_is_an_entry_package(text: str) -> None:
    assert _live(text, "entry_package")


@pytest.mark.parametrize(
    "text",
    ["最低一次提现100U。", "最低一份起购，可随时赎回。", "最低1层，最高10层。", "最低一档收益为浮动收益。"],
)
def test_chinese_count_after_minimum_is_not_an_amount(text: str) -> None:
    assert not _live(text, "entry_package")


@pytest.mark.parametrize(
    ("text", "span"),
    [("最低一千元起投，每天返利。", "最低一千元"), ("最低投资一万五千元。", "最低投资一万五千元")],
)
def test_minimum_amount_span_covers_the_whole_amount(text: str, span: str) -> None:
    assert span in _live(text, "entry_package")


@pytest.mark.parametrize(
    "text",
    ["平台保證每天返利2%。", "保證回本，穩賺。", "本金保證，收益穩定。", "我們保證你每月賺10%。",
     "收益保證，到期還本。"],
)
def test_traditional_guarantee_is_read_as_guarantee(text: str) -> None:
    assert any("保證" in span for span in _live(text, "guaranteed_returns"))


@pytest.mark.parametrize(
    "text",
    ["保證金需在三日內繳納。", "我們保證服務質量。", "请签署保证书。", "本平台不保證收益。"],
)
def test_guarantee_of_something_else_is_not_guaranteed_returns(text: str) -> None:
    assert not _live(text, "guaranteed_returns")


@pytest.mark.parametrize(
    "text",
    [
        "Earn from 5 levels of referral commission.",
        "Referral rewards go 10 levels deep.",
        "Our affiliate plan pays on 3 tiers of referrals.",
        "拿10代收益，推荐越多拿得越多。",
        "团队奖励覆盖3个层级的下线。",
    ],
)
def test_referral_depth_is_not_a_sales_rank_ladder(text: str) -> None:
    report = extract_flags(text)
    assert report.get("multilevel_referral").fired
    assert not report.get("tiered_sales_ranks").fired


@pytest.mark.parametrize(
    "text",
    ["There are 7 sales ranks from Member to Crown.", "会员分为五个等级，业绩越高等级越高。"],
)
def test_sales_rank_ladder_still_fires(text: str) -> None:
    assert extract_flags(text).get("tiered_sales_ranks").fired


@pytest.mark.parametrize(
    "text",
    [
        "Earn a daily return of 1.2% on your stake.",
        "The daily return is paid in USDT to every member.",
        "Daily returns are credited at midnight.",
    ],
)
def test_daily_return_words_are_not_a_miner_game(text: str) -> None:
    assert not extract_flags(text).get("yield_game").fired
