"""Frame cues: a claim quoted or supposed inside a warning, lesson, satire or story is not an offer.

Generic warnings and anti-fraud lessons quote the lines of a pitch on purpose ("If someone tells
you 'guaranteed 2% a day', hang up", "Common phrases include 'risk-free'", 记住三句话, 凡是声称
"稳赚不赔"的); a frame cue earlier in the same sentence marks the evidence as negated (the note
says "framed by ..."). Court facts, enforcement summaries and warnings about one scheme quote
that scheme's promises too ('promised investors "guaranteed 2% a day"', 以"日息2%"为诱饵); they
have no frame cue and keep firing, and so does a pitch's own worked example ("if you invest
$1,000 you get $30 a day", 如果你投一万).
"""

from __future__ import annotations

import pytest

from ponzidetect import extract_flags
from ponzidetect.engine import _sentence


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        # a third party's hypothetical promise
        ('SCAM WARNING. If someone tells you: "guaranteed 2% a day", "your principal is 100% safe" '
         "- hang up.", "high_periodic_returns"),
        ('SCAM WARNING. If someone tells you: "guaranteed 2% a day", "your principal is 100% safe" '
         "- hang up.", "guaranteed_returns"),
        ("Any platform that pays 2% a day is running a Ponzi scheme.", "high_periodic_returns"),
        ("Be wary if someone offers you 3% daily on a deposit.", "high_periodic_returns"),
        # quoted lists of pitch phrases
        ('Common phrases include "risk-free", "AI trading bot" and "double your money".',
         "opaque_profit_engine"),
        ('Some online offers advertise returns such as "2% daily" or "60% a month".',
         "high_periodic_returns"),
        ("A typical pitch goes like this: a stranger says she earns a stable 20% a month.",
         "high_periodic_returns"),
        ('Imagine a message like this: "Our trading bot pays 2% a day, guaranteed."',
         "high_periodic_returns"),
        ("Watch for promises of 3% daily returns and referral bonuses.", "high_periodic_returns"),
        ("Scam artists often promise guaranteed profits to get a first deposit.",
         "guaranteed_returns"),
        ("Claims that a trading robot can deliver 1% a day should be treated with suspicion.",
         "high_periodic_returns"),
        # a bullet list under its heading, a checklist question, fiction
        ("What schemes usually show you instead:\n- contracts that pay 1.5% a day;\n"
         "- payouts that never change with the price.", "high_periodic_returns"),
        ("2. Are the returns fixed and unusually high, like 1% per day?", "high_periodic_returns"),
        ("Film review: in the third act the con man promises the retirees that the price will "
         "never fall.", "fixed_token_price"),
        # Chinese
        ("凡是声称“稳赚不赔”“只涨不跌”的，都要先打个问号。", "guaranteed_returns"),
        ("记住三句话：高息诱惑要警惕，保本承诺是陷阱，拉人头返利是传销。", "guaranteed_returns"),
        ("如果有人说日息2%，马上挂电话。", "high_periodic_returns"),
        ("骗子常说“公司定价，每天升值”，听到就挂。", "fixed_token_price"),
        ("请对标榜“保证获利”“稳赚不赔”等说法提高警觉。", "guaranteed_returns"),
        ("拉人头、发展下线返利的项目涉嫌传销，请勿参与。", "multilevel_referral"),
        ("为什么“日息百分之一”一定是骗局？", "high_periodic_returns"),
        ("小说片段：表姐在饭桌上一遍遍说“一天一个点”。", "high_periodic_returns"),
        ("一看是否承诺保本付息；二看是否以拉人头计酬。", "guaranteed_returns"),
        ("非法集资的四个特征：未经批准、公开宣传、承诺还本付息、面向社会不特定对象。",
         "guaranteed_returns"),
    ],
)
def test_quoted_or_supposed_claim_is_framed(text: str, flag_id: str) -> None:
    result = extract_flags(text).get(flag_id)
    assert not result.fired, f"{flag_id} fired on {text!r}: {[e.note for e in result.evidence]}"
    assert any("framed by" in e.note or "negated by" in e.note for e in result.evidence)


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        # court facts, enforcement summaries, warnings about one scheme
        ('The company promised investors "guaranteed 2% a day".', "high_periodic_returns"),
        ("According to the website, customers who deposit at least 250 euros receive a fixed "
         "yield of 0.6% a day.", "high_periodic_returns"),
        ("Promoters told members that the bot paid 1% a day and was risk-free.",
         "guaranteed_returns"),
        ("被告人以“日息2%”为诱饵吸收公众资金。", "high_periodic_returns"),
        ("近日，有不法分子以“星耀节点”为名，声称每天返1%。", "high_periodic_returns"),
        ("平台宣称“保本保息，稳赚不赔”，吸引老年人投资。", "guaranteed_returns"),
        ("该平台设置“直推奖”“对碰奖”“领导奖”等奖励，按层级发放。", "multilevel_referral"),
        ("经查，平台承诺每月返利10%，并按发展下线人数计酬。", "high_periodic_returns"),
        # a pitch's own worked example or hook
        ("If you invest $1,000 you get 3% a day, paid every morning.", "high_periodic_returns"),
        ("Imagine earning 2% a day while you sleep!", "high_periodic_returns"),
        ("Want 2% a day? Join now!", "high_periodic_returns"),
        ("如果你投一万，每天返百分之三。", "high_periodic_returns"),
        ("每个月三十个点，比你存银行强多了。", "high_periodic_returns"),
    ],
)
def test_specific_offer_keeps_firing(text: str, flag_id: str) -> None:
    result = extract_flags(text).get(flag_id)
    assert result.fired, f"{flag_id} framed on {text!r}: {[e.note for e in result.evidence]}"


@pytest.mark.parametrize(
    ("text", "marker", "sentence"),
    [
        ("First one. If someone says 2% a day, hang up.", "2%", "If someone says 2% a day, hang up"),
        ("Signs:\n- 2% a day\n- ranks", "2%", "Signs:\n- 2% a day\n- ranks"),
        ("Heading\nPlan: 2% a day. Next.", "2%", "Plan: 2% a day"),
        ("他说：“日息2%。”然后走了。下一句。", "日息", "他说:“日息2%。”然后走了"),
        ("The U.S. fund paid 2% daily.", "2%", "fund paid 2% daily"),
    ],
)
def test_sentence_around_a_span(text: str, marker: str, sentence: str) -> None:
    from ponzidetect.document import Document

    folded = Document.from_text(text).folded
    start = folded.index(marker)
    found, offset = _sentence(folded, start, "zh" if "日息" in text else "en")
    assert found == Document.from_text(sentence).folded
    assert found[offset:].startswith(marker)
