"""Negation cues take a claim back; words that describe a claim as false do not.

Court facts and enforcement summaries report a scheme's offer with "falsely promised",
"so-called", "allegedly", 以虚假高额回报为诱饵, 所谓, 冒充: the offer is there, so the flag fires
(and ``reporting_frame`` marks the voice). Denials ("not guaranteed", 不保本), warnings aimed at
the reader ("beware of anyone promising...", 谨防, 切勿) and generic subjects ("scammers often
promise", 部分平台) keep the evidence negated. Words that only contain a negation character
(不断, 不低于, 无限, 非法, 未经, "not less than") are not denials.
"""

from __future__ import annotations

import pytest

from ponzidetect import extract_flags


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        # English descriptions of a scheme's offer
        ("The company falsely promised investors guaranteed returns of 2% a day.", "guaranteed_returns"),
        ("The company falsely promised investors guaranteed returns of 2% a day.", "high_periodic_returns"),
        ("The founders allegedly promised 1% daily returns to every member.", "high_periodic_returns"),
        ("The so-called mining pool paid 1.5% a day to early members.", "high_periodic_returns"),
        ("The platform purportedly earned 3% a day from a trading bot.", "high_periodic_returns"),
        ("Regulators warned that the lending program promised up to 1% a day.", "high_periodic_returns"),
        ("According to the complaint, the defendants falsely told investors the plan was risk-free.",
         "guaranteed_returns"),
        ("A fake CEO, a hired actor, fronted the Hong Kong company.", "foreign_figurehead"),
        ("Members were promised returns of not less than 0.3% per day.", "high_periodic_returns"),
        # Chinese descriptions of a scheme's offer
        ("被告人以虚假高额回报为诱饵，承诺保本付息。", "guaranteed_returns"),
        ("会员的所谓静态收益每日1%，来自新会员的入金。", "high_periodic_returns"),
        ("雇佣外籍男子冒充其在香港注册的子公司首席执行官。", "offshore_entity"),
        ("对外宣称项目由国家背书，收益稳定。", "authority_backing"),
        ("平台承诺收益不低于每日1%。", "high_periodic_returns"),
        ("收益可无限复投。", "withdrawal_friction"),
        ("股东分红不断增加，每天分红百分之一。", "high_periodic_returns"),
        ("未经批准，向社会公众承诺保本保息。", "guaranteed_returns"),
        ("以非法占有为目的，承诺每月返利10%。", "high_periodic_returns"),
    ],
)
def test_description_of_a_claim_fires(text: str, flag_id: str) -> None:
    result = extract_flags(text).get(flag_id)
    assert result.fired, f"{flag_id} negated on {text!r}: {[e.note for e in result.evidence]}"


@pytest.mark.parametrize(
    ("text", "flag_id"),
    [
        # denials and disclaimers
        ("Returns are not guaranteed and you may lose your capital.", "guaranteed_returns"),
        ("We do not offer guaranteed returns of any kind.", "guaranteed_returns"),
        ("There is no daily ROI and no referral bonus.", "high_periodic_returns"),
        ("本产品不保本，投资须谨慎。", "guaranteed_returns"),
        ("本平台没有日息，也没有保本承诺。", "guaranteed_returns"),
        ("非保本浮动收益型产品。", "guaranteed_returns"),
        # warnings aimed at the reader
        ("Beware of anyone promising guaranteed returns.", "guaranteed_returns"),
        ("Avoid platforms that pay 1% a day.", "high_periodic_returns"),
        ("The SEC warns investors about schemes promising 2% daily returns.", "high_periodic_returns"),
        ("Red flags include guaranteed returns and pressure to recruit.", "guaranteed_returns"),
        ("Be careful with anyone promising risk-free profits.", "guaranteed_returns"),
        ("谨防所谓保本高收益的投资项目。", "guaranteed_returns"),
        ("切勿相信稳赚不赔的承诺。", "guaranteed_returns"),
        ("警惕日息1%的理财平台。", "high_periodic_returns"),
        # generic subjects of a warning
        ("Scammers often promise guaranteed returns to get your deposit.", "guaranteed_returns"),
        ("部分平台冒用国家战略名义非法集资。", "authority_backing"),
        ("一些不法分子承诺保本保息，诱骗老年人投资。", "guaranteed_returns"),
    ],
)
def test_denial_or_warning_stays_negated(text: str, flag_id: str) -> None:
    result = extract_flags(text).get(flag_id)
    assert not result.fired, f"{flag_id} fired on {text!r}: {[e.text for e in result.evidence]}"


@pytest.mark.parametrize(
    "text",
    [
        "The company falsely promised investors 2% a day.",
        "以虚假高额回报为诱饵，吸收公众资金。",
        "The SEC's complaint alleges that investors were promised daily returns.",
        "经查，该公司虚构投资项目，所谓收益来自新会员。",
    ],
)
def test_description_marks_the_reporting_frame(text: str) -> None:
    assert extract_flags(text).get("reporting_frame").fired
