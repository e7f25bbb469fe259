"""Code extractors: the parsed value of each flag, as a table of (text, flag, value) cases."""

from __future__ import annotations

import pytest

from ponzidetect import extract_flags


@pytest.mark.parametrize(
    ("text", "flag_id", "value"),
    [
        # return_rate: simple annualised rate in percent
        ("Earn 1.5% daily on every deposit.", "high_periodic_returns", 547.5),
        ("月息30%，按月发放。", "high_periodic_returns", 360),
        ("Double your ETH in 100 days.", "high_periodic_returns", 365),
        ("Get 200% return in 40 days.", "high_periodic_returns", 1825),
        ("Withdraw after 5 days and receive up to 10% interest.", "high_periodic_returns", 730),
        ("日息百分之一点五", "high_periodic_returns", 547.5),
        ("投资一万，100天翻倍。", "high_periodic_returns", 365),
        ("跟着老师投，三个月本金翻倍。", "high_periodic_returns", 400),
        ("一年翻三倍。", "high_periodic_returns", 200),
        ("Cloud mining: the $100 plan pays $3.5 a day for 60 days.", "high_periodic_returns", 1277.5),
        ("Put in $500, get $15 back every single day.", "high_periodic_returns", 1095),
        ("Bronze 50$ (1.1%/d)", "high_periodic_returns", 401.5),
        ("Your help grows with 30% growth per month.", "high_periodic_returns", 360),
        ("Early joiners get 50% after 2 weeks.", "high_periodic_returns", 1300),
        ("投10000，每天到账120。", "high_periodic_returns", 438),
        ("存入2万，每月返还健康补贴400元。", "high_periodic_returns", 24),
        ("一天一个点，本金随时可退。", "high_periodic_returns", 365),
        ("今天抢到两只羊，七天赚百分之十二。", "high_periodic_returns", 625.71),
        # payout_multiple: total payout as a multiple of the deposit
        ("You will earn 200% profit after each deposit!", "fixed_payout_multiple", 3.0),
        ("Send 1 ETH, get 1.5 ETH back.", "fixed_payout_multiple", 1.5),
        ("send 100 ether, i'll send back 210 ether", "fixed_payout_multiple", 2.1),
        ("Multiply your Ether by 10x!", "fixed_payout_multiple", 10.0),
        ("Multiply your ETH by +15%!", "fixed_payout_multiple", 1.15),
        ("Deposit 0.5 BNB and receive 120% back.", "fixed_payout_multiple", 1.2),
        ("The queue pays 125% to each depositor.", "fixed_payout_multiple", 1.25),
        ("收益达到本金的3倍出局。", "fixed_payout_multiple", 3.0),
        ("静态收益，150%出局。", "fixed_payout_multiple", 1.5),
        ("投一万返三万。", "fixed_payout_multiple", 3.0),
        ("入金5千，返还1万5千。", "fixed_payout_multiple", 3.0),
        ("本金直接翻倍。", "fixed_payout_multiple", 2.0),
        ("入金5千，返1.5w，拉人更快。", "fixed_payout_multiple", 3.0),
        ("The people who come after you pay you 1.4x.", "fixed_payout_multiple", 1.4),
        ("Deposit 1 BNB and you receive 3x\n* paid from the queue", "fixed_payout_multiple", 3.0),
        ("Every deposit is doubled, paid in order.", "fixed_payout_multiple", 2.0),
        ("The queue pays them 200% of what they put in.", "fixed_payout_multiple", 2.0),
        ("收益达到本金的3倍即出局。", "fixed_payout_multiple", 3.0),
        ("每日固定收益百分之一点五，封顶本金两倍。", "fixed_payout_multiple", 2.0),
        ("入金50–5000 USDT，收益上限为入金的 3 倍。", "fixed_payout_multiple", 3.0),
        ("二千五百U进，两倍半出局。", "fixed_payout_multiple", 2.5),
        ("第7人入场后，排第1位的人拿走 2100 TRX（三倍）。", "fixed_payout_multiple", 3.0),
        ("Daily ROI 1%, capped at 300% of your deposit.", "fixed_payout_multiple", 3.0),
        ("Each node exits automatically at 3x the fee you paid.", "fixed_payout_multiple", 3.0),
        ("Deposit and earn until you receive 2.5x.", "fixed_payout_multiple", 2.5),
        ("日收益1%，2.5倍出局。", "fixed_payout_multiple", 2.5),
        # rank_count and place_count
        ("Our 148 sellers are organised in 10 ranks.", "tiered_sales_ranks", 10),
        ("会员分为V1-V7七个等级，晋升靠团队业绩。", "tiered_sales_ranks", 7),
    ],
)
def test_parsed_value(text: str, flag_id: str, value: float) -> None:
    result = extract_flags(text).get(flag_id)
    assert result.fired, [e.text for e in result.evidence]
    assert result.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        ("Our savings account pays 4% interest on your deposit.", "fixed_payout_multiple"),
        ("Earn 2% daily profit on your deposit.", "fixed_payout_multiple"),
        ("Bitcoin returned 300% in 2020, investors cheered.", "fixed_payout_multiple"),
        ("Early buyers earned 200% profit in the rally, the report said.", "fixed_payout_multiple"),
        ("Buy tokens in round one and receive 15% bonus tokens.", "fixed_payout_multiple"),
        ("公司净利润三年翻倍。", "fixed_payout_multiple"),
        ("Internal rate of return 213% for the factory investment.", "fixed_payout_multiple"),
        ("At level 1 she pays the fees and will receive 1.6x market making rewards.",
         "fixed_payout_multiple"),
        ("If Joe sets it to 1, he will pay the deposit fees and receive 2x \n\nmarket making rewards.",
         "fixed_payout_multiple"),
        ("Angel investors got 20x return on investment within a year.", "fixed_payout_multiple"),
        ("Connect wallet. Kill the dragon Earn 2x . You have 50% chance! Deposit to play.",
         "fixed_payout_multiple"),
        ("用72除以年化收益率，就是本金翻倍需要的年数。", "fixed_payout_multiple"),
        ("千万不要相信投一万返三万的骗局。", "fixed_payout_multiple"),
        ("Trade with up to 100x leverage after your first deposit.", "fixed_payout_multiple"),
        ("The new chip is capped at 200x zoom.", "fixed_payout_multiple"),
        ("Rent a car for $45 a day; the $300 deposit is refunded.", "high_periodic_returns"),
        ("Get 20% off after 3 days of membership.", "high_periodic_returns"),
        ("存款5万元，每年利息1000元。", "high_periodic_returns"),
        ("投10000，每天到账120，100天就是12000。", "fixed_payout_multiple"),
        ("After 30 days, receive 0.5% interest on your savings.", "high_periodic_returns"),
        ("公司净利润三年翻倍。", "high_periodic_returns"),
        ("按72法则，年化7%的投资大约10年资产翻倍。", "high_periodic_returns"),
        ("Refer a friend: you get 20% of their trading fees.", "multilevel_referral"),
    ],
)
def test_no_value_where_nothing_is_promised(text: str, flag_id: str) -> None:
    assert not extract_flags(text).get(flag_id).fired


# cue_window: every shipped flag's cue groups compile under the regex-safety rules, and a
# malformed group is refused with a message naming the file and the group.
from ponzidetect import default_registry  # noqa: E402
from ponzidetect.catalogue import CatalogueError, parse_flag  # noqa: E402
from ponzidetect.extractors.cooccur import cue_groups  # noqa: E402

_WINDOW_FLAGS = [spec.id for spec in default_registry() if spec.extractor == "cue_window"]


@pytest.mark.parametrize("flag_id", _WINDOW_FLAGS)
def test_cue_window_groups_compile_safely(flag_id: str) -> None:
    groups = cue_groups(default_registry().get(flag_id))
    assert groups.anchor and groups.required


def _window_flag(cue_groups_param: dict) -> dict:
    return {"id": "x_window", "version": 1, "family": "f", "name": {"en": "x", "zh": "x"},
            "extractor": "cue_window", "params": {"cue_groups": cue_groups_param}}


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({"promise": {"en": ["earn"]}}, "needs \\[params.cue_groups.anchor\\]"),
        ({"anchor": {"en": ["bot"]}, "promise": {"fr": ["gagner"]}}, "use keys en and zh"),
        ({"anchor": {"en": ["(a+)+b"]}, "promise": {"en": ["earn"]}}, "unbounded repetition"),
        ({"anchor": {"en": ["bot"]}, "promise": {"en": []}}, "needs cues"),
    ],
)
def test_malformed_cue_groups_are_refused(groups: dict, message: str) -> None:
    spec = parse_flag(_window_flag(groups), "x_window.toml", {})
    with pytest.raises(CatalogueError, match=message):
        cue_groups(spec)


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Deposit 1 ETH to the bot and it earns you 2% a day.", True),
        ("Deposit 1 ETH to the bot.\n\nElsewhere: it earns you 2% a day.", False),
        ("The bot earns you 2% a day.", False),
    ],
)
def test_cue_window_needs_every_group_in_one_paragraph(text: str, fires: bool) -> None:
    assert extract_flags(text).get("bot_profit_promise").fired is fires
