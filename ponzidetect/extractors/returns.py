"""Stated return rates, normalised to a simple annual rate in percent.

"1.5% daily" -> 547.5 %/year, "月息30%" -> 360 %/year, "double your money in 100 days" ->
365 %/year. Rates are annualised without compounding (rate x periods per year), the convention
of HYIP studies; the note keeps the stated rate and period. Also read: "1.1%/d", "3.3% every single
day", "30% growth per month", "6% lands in my account every month", "get 50% after 2 weeks",
"Plan B: 150% after 7 days", 一天一个点, 静态一天千分之八, 七天赚百分之十二, paybacks within a year
("pays for itself in 60 days", 两个月回本; a longer payback is not evidence), and payouts stated as
amounts on a base amount ("the $100 plan pays $3.5 a day", 投一万每天到账一百二; see
``payout_amounts``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..catalogue import FlagSpec
from ..document import Document
from ..scanner import Scan, checked, compile_rule
from . import Candidate, extractor, to_number
from .payout_amounts import (
    EN_MONEY,
    ZH_AMOUNT_PERIOD,
    ZH_TOTAL_AMOUNT,
    AmountRate,
    chinese_amount_rates,
    chinese_amount_totals,
    english_amount_rates,
    english_amount_totals,
)

PERIODS_PER_YEAR = {"hour": 24 * 365, "day": 365, "week": 52, "month": 12, "year": 1}

_NUM = r"(?P<num>\d{1,5}(?:[.,]\d{1,4})?)"
_EN_PERIOD = {
    "hourly": "hour", "hour": "hour", "daily": "day", "day": "day", "days": "day",
    "24h": "day", "weekly": "week", "week": "week", "monthly": "month", "month": "month",
    "annually": "year", "annual": "year", "yearly": "year", "year": "year", "pa": "year",
    "p.a.": "year", "apy": "year", "apr": "year",
}
_ZH_PERIOD = [
    ("时", "hour"), ("日", "day"), ("天", "day"), ("周", "week"), ("月", "month"), ("年", "year"),
]

EN_RATE_AFTER = compile_rule(
    _NUM + r"\s{0,2}(?:%|percent\b|pct\b)\s{0,3}"
    r"(?:(?:(?:per|a|an|each|every)(?:\s{1,2}(?:single|working|business|trading|calendar))?|/)\s{0,3})?"
    r"(?P<period>daily|hourly|weekly|monthly|annually|yearly|annual|day|hour|week|month|year"
    r"|24h|p\.a\.|pa|apy|apr)\b",
    re.IGNORECASE,
    name="return_rate.en_rate_after", code=True,
)
EN_RATE_BEFORE = compile_rule(
    r"\b(?P<period>daily|hourly|weekly|monthly|apy|apr)\b\s{0,3}"
    r"(?:[a-z]{2,12}\s{0,3}){0,2}(?:of\s{1,3}|up\s{1,3}to\s{1,3}|:\s{0,3}|=\s{0,3}|~\s{0,2})?" + _NUM
    + r"\s{0,2}%",
    re.IGNORECASE,
    name="return_rate.en_rate_before", code=True,
)
EN_RATE_SLASH = compile_rule(_NUM + r"\s{0,2}%\s{0,2}/\s{0,2}(?P<period>d|h|hr|wk|mo)\b", re.IGNORECASE,
                             name="return_rate.en_rate_slash", code=True)
# "30% growth per month", "6% lands in my account every month", "1.8% hit your wallets every day"
EN_RATE_WORDS_PERIOD = compile_rule(
    _NUM + r"\s{0,2}%\s{0,2}(?:(?:growth|interest|profit|bonus|return|roi|yield|gain|payout|reward"
    r"|dividend|gratitude)s?\s{1,2}|(?:lands?|arrives?|hits?|(?:is|gets?)\s{1,2}(?:paid|credited|added)"
    r"|paid|credited|added|accrues?|comes?\s{1,2}in|grows?)\s{1,2}(?:(?:in|to|into|on)\s{1,2})?"
    r"(?:[\w']{1,12}\s{1,2}){0,3})(?:every|each|per|a)\s{1,2}(?:single\s{1,2})?"
    r"(?P<period>day|week|month)\b",
    re.IGNORECASE,
    name="return_rate.en_rate_words_period", code=True,
)
# "get 50% after 2 weeks", "earn 25% in 15 days", "Plan B: 150% after 7 days"
EN_GET_IN = compile_rule(
    r"(?:\b(?:get|gets|earn|earns|receive|receives|make|collect|pays?|returns?|gives?)\s{1,2}"
    r"(?:(?:you|up\s{1,2}to|a|an|another|extra|guaranteed|fixed)\s{1,2}){0,2}"
    r"|\b(?:plan|package|tier|option)\s{0,2}\w{0,3}\s{0,2}[:=-]\s{0,2})" + _NUM
    + r"\s{0,2}%(?!\s{0,2}(?:off|discount)\b)\s{0,2}(?:[a-z]{2,12}\s{1,2}){0,2}(?:in|within|after)"
    r"\s{1,2}(?:just\s{1,2}|only\s{1,2})?(?P<n>\d{1,4})\s{0,2}(?P<unit>days?|weeks?|months?)",
    re.IGNORECASE,
    name="return_rate.en_get_in", code=True,
)
# "7% of your balance every day", "6.5% of it every month", "7% of your traps' value per day",
# "0.00033 BNB per day (3.3%)", "20 days x 10%"
EN_RATE_OF_BALANCE = compile_rule(
    _NUM + r"\s{0,2}%\s{1,3}of\s{1,3}(?:(?:your|their|his|her|the|each|every|its)\s{1,2})?"
    r"(?:[\w']{1,14}\s{1,2}){0,2}"
    r"(?:balance|deposit|stake|principal|investment|value|capital|holdings|it|them|package)s?\s{1,3}"
    r"(?:(?:on\s{1,2}the\s{1,2}first\s{1,2}of\s{1,2}each|every|each|per|a)\s{1,2}(?:calendar\s{1,2})?"
    r"(?P<period>day|week|month)\b|(?:(?:is|are)\s{1,2})?(?:paid|credited|distributed|returned)\s{1,2}"
    r"(?P<period4>daily|weekly|monthly)\b)"
    r"|(?:per|a|every)\s{1,2}(?P<period2>day|week|month)\s{0,2}\(\s{0,2}(?P<num2>\d{1,3}(?:\.\d{1,3})?)\s{0,2}%\s{0,2}\)"
    r"|\b(?P<days>\d{1,3})\s{0,2}days?\s{0,2}[x×*]\s{0,2}(?P<num3>\d{1,3}(?:\.\d{1,3})?)\s{0,2}%",
    re.IGNORECASE,
    name="return_rate.en_rate_of_balance", code=True,
)
# A plan's total over its term: "14 day plan 30%", "cycle 10 days: 25%", "150% of your deposit
# returned after day 60" -> the total spread over the days
EN_PLAN_TOTAL = compile_rule(
    r"\b(?P<n>\d{1,3})[\s-]{0,2}days?\s{0,2}(?:plan|loop|contract|cycle|package)\s{0,3}"
    r"[:=—–-]{0,2}\s{0,3}" + _NUM + r"\s{0,2}%"
    r"|\b(?:plan|loop|contract|cycle|package)\s{0,2}(?P<n2>\d{1,3})\s{0,2}days?\s{0,3}[:=—–-]{0,2}"
    r"\s{0,3}" + _NUM.replace("num", "num2") + r"\s{0,2}%"
    r"|\b" + _NUM.replace("num", "num3") + r"\s{0,2}%\s{1,2}(?:of\s{1,2}(?:the|your)\s{1,2}"
    r"(?:deposit|stake|investment|principal)\s{1,2})?(?:is\s{1,2})?(?:paid|returned|credited)\s{1,2}"
    r"(?:at\s{1,2}the\s{1,2}end\s{1,2}of|on|after)\s{1,2}day\s{1,2}(?P<n3>\d{1,3})\b",
    re.IGNORECASE,
    name="return_rate.en_plan_total", code=True,
)
# After the figure: a yearly rate ("30 day plan 12% apy"), a price cut ("7 day package 20% off")
# or a per-period rate that the periodic rules read ("10 day plan 1.2% daily") -- not a plan total
_NOT_PLAN_RETURN = checked(
    r"\s{0,3}(?:apy|apr|p\.?a\.?|a\s{1,2}(?:year|day|week|month)|per\s{1,2}(?:year|annum|day|week|month)"
    r"|(?:each|every)\s{1,2}(?:day|week|month)|annual|yearly|daily|weekly|monthly|hourly"
    r"|off|discount|cash\s{0,1}back|rebate|fee)\b",
    re.IGNORECASE,
)
EN_MULTIPLY = compile_rule(
    r"\b(?P<verb>double|triple|quadruple|twice|2x|3x|x2|x3)\b\s{0,3}(?:[a-z]{2,12}\s{1,3}){0,3}"
    r"(?:in|within|after)\s{1,3}(?P<n>\d{1,4})\s{0,2}(?P<unit>days?|weeks?|months?)",
    re.IGNORECASE,
    name="return_rate.en_multiply", code=True,
)
EN_TOTAL_IN = compile_rule(
    _NUM + r"\s{0,2}%\s{0,3}(?:[a-z]{2,12}\s{1,3}){0,2}"
    r"(?:returns?|profits?|roi|interest|yield|gains?|earnings?|income|payout|back)\s{1,3}"
    r"(?:[a-z]{2,12}\s{1,3}){0,1}(?:in|within|after)\s{1,3}"
    r"(?P<n>\d{1,4})\s{0,2}(?P<unit>days?|weeks?|months?)",
    re.IGNORECASE,
    name="return_rate.en_total_in", code=True,
)
EN_AFTER_THEN_RATE = compile_rule(
    r"\b(?:after|in|within)\s{1,2}(?P<n>\d{1,4})\s{0,2}(?P<unit>days?|weeks?|months?)[\s,;:.)(-]{1,4}"
    r"(?:(?:and|then)\s{1,2})?(?:you\s{1,2})?(?:(?:can|will|'ll)\s{1,2})?(?:receive|get|earn|collect|take\s{1,2}home)\s{1,2}"
    r"(?:(?:up\s{1,2}to|a|an|guaranteed|fixed|at\s{1,2}least)\s{1,2}){0,2}" + _NUM
    + r"\s{0,2}%\s{0,2}(?:[a-z]{2,12}\s{1,2}){0,1}(?:interest|profits?|returns?|roi|payouts?)\b",
    re.IGNORECASE,
    name="return_rate.en_after_then_rate", code=True,
)
ZH_RATE_BEFORE = compile_rule(
    r"(?P<period>日息|日化|日利率?|日收益率?|日回报|日返|每日收益|每天收益|每日|每天|天天|日赚|一天|1天|每小时|时息|"
    r"周息|周化|每周|周回报|月息|月化|月利率?|月收益率?|月回报|每个月|每月|一个月|1个月|月返|月领|日领|年息|年化收益率?|年化回报率?|年化|年收益率?|年利率)"
    r"\s{0,3}(?:[\u4e00-\u9fff]{1,4}\s{0,2}|[\u4e00-\u9fff]{0,3}(?:获得|可得|可获|领取|发放|返还|分红|收益)"
    r"[\u4e00-\u9fff]{0,4})?(?:[:：约为达高到至]{0,3})\s{0,2}\+?\s{0,2}" + _NUM
    + r"\s{0,2}%(?!的?(?:时间|人|日子|天数|概率|可能))",
    name="return_rate.zh_rate_before", code=True,
)
# 一天一个点 (one percentage point a day), 每月三个点
ZH_POINTS = compile_rule(
    r"(?P<period>每天|每日|一天|1天|每周|每个月|每月)\s{0,3}(?:[\u4e00-\u9fff]{1,4}\s{0,2})?"
    + _NUM + r"\s{0,2}个点",
    name="return_rate.zh_points", code=True,
)
# 七天赚百分之十二, 20天收益30%
ZH_TOTAL_IN = compile_rule(
    r"(?P<n>\d{1,3})\s{0,2}(?P<unit>个月|天|日|周)\s{0,2}(?:内|后|之后)?\s{0,2}(?:就|即可|可|能|可以)?\s{0,2}"
    r"(?:赚|收益|回报|返|拿|获利|盈利|返还|增值|涨)\s{0,2}(?:了|到)?\s{0,2}" + _NUM + r"\s{0,2}%",
    name="return_rate.zh_total_in", code=True,
)
ZH_RATE_AFTER = compile_rule(
    _NUM + r"\s{0,2}%\s{0,2}(?:的)?\s{0,2}(?P<period>日息|日收益|日利润|月息|月收益|年化|年收益|周收益)",
    name="return_rate.zh_rate_after", code=True,
)
ZH_MULTIPLY = compile_rule(
    r"(?P<n>\d{1,4}|两)\s{0,2}(?P<unit>个月|天|日|周|月|年)\s{0,3}(?:内|之内|左右)?\s{0,3}"
    r"(?:就|即可|可以|可|能|便)?\s{0,2}(?:本金|资金|投资|收益|资产|财富|存款|钱)?\s{0,2}"
    r"(?:就|即可|可以|可|能|便|直接)?\s{0,2}(?:翻倍|翻番|翻(?P<mult>\d{1,3})倍|(?P<payback>回本))",
    name="return_rate.zh_multiply", code=True,
)
# A payback period: "the miner pays for itself in 60 days", "ROI in 45 days", "break even within
# 2 months", "payback period of 90 days" -> the price back (100%) over that term
EN_PAYBACK = compile_rule(
    r"\b(?:pays?\s{1,2}(?:for\s{1,2})?(?:itself|themselves)(?:\s{1,2}off)?|paid\s{1,2}(?:for\s{1,2})?itself"
    r"|(?:full\s{1,2})?roi|breaks?\s{1,2}even|payback(?:\s{1,2}(?:period|time))?(?:\s{1,2}(?:of|is))?"
    r"|recoup\w{0,3}\s{1,2}(?:your|the|its)\s{1,2}(?:investment|cost|price|capital))"
    r"\s{1,3}(?:(?:in|within|after)\s{1,2})?(?:just\s{1,2}|only\s{1,2}|about\s{1,2}|under\s{1,2})?"
    r"(?P<n>\d{1,4})\s{0,2}(?P<unit>days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
    name="return_rate.en_payback", code=True,
)

EN_EXAMPLE = compile_rule(
    r"\b(?:invest\w{0,3}|deposit\w{0,3}|put\s{1,2}in|stake\w{0,1}|send|top\s{1,2}up)\s{1,3}\$?(?P<base>\d{1,7}(?:\.\d{1,4})?)\s{0,2}[a-z]{0,6}[\s.,]{1,4}"
    r"(?:\w{1,12}\s{1,3}){0,4}(?:withdraw|earn|receive|get|collect|claim)\w{0,3}\s{1,3}"
    r"(?P<part>\d{1,7}(?:\.\d{1,4})?)\s{0,2}[a-z]{0,6}\s{1,3}(?:every|each|per|a)\s{1,3}"
    r"(?P<unit>day|week|month)",
    re.IGNORECASE,
    name="return_rate.en_example", code=True,
)

_ZH_UNIT = {"天": "day", "日": "day", "周": "week", "月": "month", "个月": "month", "年": "year"}
_EN_UNIT = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
            "months": "month", "year": "year", "years": "year"}
_EN_SLASH = {"d": "day", "h": "hour", "hr": "hour", "wk": "week", "mo": "month"}
_MULTIPLIER = {"double": 2, "twice": 2, "2x": 2, "x2": 2, "triple": 3, "3x": 3, "x3": 3,
               "quadruple": 4}


def annualise(rate_percent: float, period: str) -> float:
    """Simple annual rate in percent of ``rate_percent`` per ``period``.

    Examples
    --------
    >>> annualise(1.5, "day")
    547.5
    >>> annualise(30, "month")
    360
    """
    return rate_percent * PERIODS_PER_YEAR[period]


def _payback_floor(spec: FlagSpec) -> float:
    """Annual rate a payback period must reach: 100% a year (the price back within a year)."""
    return float(spec.params.get("min_annual_payback", 100))


def _zh_period(word: str) -> str:
    for key, period in _ZH_PERIOD:
        if key in word:
            return period
    return "day"


def _candidate(match: re.Match[str], rate: float, period: str, lang: str,
               rule: str, spec: FlagSpec, stated: str) -> Candidate | None:
    annual = annualise(rate, period)
    floor_key = "min_annual_yearly" if period == "year" else "min_annual_periodic"
    if annual < float(spec.params.get(floor_key, 20)) or annual > 1e7:
        return None
    weight = min(1.0, 0.5 + annual / 730) if period != "year" else 0.3
    return Candidate(match.start(), match.end(), rule, weight, lang, round(annual, 2), "%/year",
                     f"{stated} -> {annual:,.1f}% a year (simple)")


def _amount_candidate(item: AmountRate, lang: str, spec: FlagSpec,
                      rule: str = "amount_per_period") -> Candidate | None:
    annual = annualise(item.rate_percent, item.period)
    if annual < float(spec.params.get("min_annual_periodic", 20)) or annual > 1e7:
        return None
    return Candidate(item.start, item.end, f"{lang}.{rule}", min(1.0, 0.5 + annual / 730),
                     lang, round(annual, 2), "%/year",
                     f"{item.stated} = {item.rate_percent:.3g}% per {item.period} -> "
                     f"{annual:,.1f}% a year (simple)")


def _totals_over_periods(match_iter: Iterator[re.Match[str]], rule: str,
                         spec: FlagSpec) -> Iterator[Candidate]:
    """A total rate over N periods ("200% in 40 days", "after 5 days, get 10%") per period."""
    for match in match_iter:
        total = to_number(match["num"].replace(",", "."))
        count = int(match["n"])
        period = _EN_UNIT[match["unit"].lower()]
        if total and count:
            found = _candidate(match, total / count, period, "en", f"en.{rule}", spec,
                               f"{total:g}% in {count} {period}s")
            if found:
                yield found


@extractor("return_rate", rules=(EN_RATE_AFTER, EN_RATE_BEFORE, EN_RATE_SLASH, EN_RATE_WORDS_PERIOD,
                                 EN_GET_IN, EN_RATE_OF_BALANCE, EN_MULTIPLY, EN_TOTAL_IN,
                                 EN_AFTER_THEN_RATE, EN_EXAMPLE, EN_PAYBACK, ZH_RATE_BEFORE, ZH_POINTS,
                                 ZH_TOTAL_IN, ZH_RATE_AFTER, ZH_MULTIPLY, EN_MONEY,
                                 ZH_AMOUNT_PERIOD, ZH_TOTAL_AMOUNT, EN_PLAN_TOTAL))
def extract_return_rates(doc: Document, spec: FlagSpec, scan: Scan) -> Iterator[Candidate]:
    """Yield stated periodic returns at or above the flag's annual floor."""
    text = doc.folded
    if doc.has_latin:
        for rule, pattern in (("rate_after", EN_RATE_AFTER), ("rate_before", EN_RATE_BEFORE)):
            for match in scan.finditer(pattern):
                rate = to_number(match["num"].replace(",", "."))
                period = _EN_PERIOD[match["period"].lower()]
                if rate is not None:
                    found = _candidate(match, rate, period, "en", f"en.{rule}", spec,
                                       f"{rate:g}% per {period}")
                    if found:
                        yield found
        for match in scan.finditer(EN_MULTIPLY):
            multiple = _MULTIPLIER[match["verb"].lower()]
            days_total = int(match["n"])
            period = _EN_UNIT[match["unit"].lower()]
            if days_total:
                rate = (multiple - 1) * 100 / days_total
                found = _candidate(match, rate, period, "en", "en.multiply", spec,
                                   f"x{multiple} in {days_total} {period}s")
                if found:
                    yield found
        for match in scan.finditer(EN_RATE_SLASH):
            rate = to_number(match["num"].replace(",", "."))
            period = _EN_SLASH[match["period"].lower()]
            if rate is not None:
                found = _candidate(match, rate, period, "en", "en.rate_slash", spec,
                                   f"{rate:g}% per {period}")
                if found:
                    yield found
        for match in scan.finditer(EN_RATE_WORDS_PERIOD):
            rate = to_number(match["num"].replace(",", "."))
            period = match["period"].lower()
            if rate is not None:
                found = _candidate(match, rate, period, "en", "en.rate_words_period", spec,
                                   f"{rate:g}% per {period}")
                if found:
                    yield found
        for match in scan.finditer(EN_RATE_OF_BALANCE):
            rate = to_number(match["num"] or match["num2"] or match["num3"])
            period = _EN_PERIOD.get((match["period"] or match["period2"] or match["period4"]
                                     or "day").lower(), "day")
            if rate is not None:
                found = _candidate(match, rate, period, "en", "en.rate_of_balance", spec,
                                   f"{rate:g}% per {period}")
                if found:
                    yield found
        for match in scan.finditer(EN_PLAN_TOTAL):
            total = to_number(match["num"] or match["num2"] or match["num3"])
            days = int(match["n"] or match["n2"] or match["n3"])
            if total and days and _NOT_PLAN_RETURN.match(text, match.end()) is None:
                found = _candidate(match, total / days, "day", "en", "en.plan_total", spec,
                                   f"{total:g}% in {days} days")
                if found:
                    yield found
        for item in english_amount_rates(text):
            found = _amount_candidate(item, "en", spec)
            if found:
                yield found
        for item in english_amount_totals(text):
            found = _amount_candidate(item, "en", spec, "amount_total")
            if found:
                yield found
        for rule, pattern in (("total_in", EN_TOTAL_IN), ("after_then_rate", EN_AFTER_THEN_RATE),
                              ("get_in", EN_GET_IN)):
            yield from _totals_over_periods(match_iter=scan.finditer(pattern), rule=rule, spec=spec)
        for match in scan.finditer(EN_PAYBACK):
            count, period = int(match["n"]), _EN_UNIT[match["unit"].lower()]
            # a payback within a year (100% a year or more); "pays for itself in 7 years" is not
            if count and annualise(100 / count, period) >= _payback_floor(spec):
                found = _candidate(match, 100 / count, period, "en", "en.payback", spec,
                                   f"payback in {count} {period}s")
                if found:
                    yield found
        for match in scan.finditer(EN_EXAMPLE):
            base, part = to_number(match["base"]), to_number(match["part"])
            if base and part and part < base:
                rate = part / base * 100
                found = _candidate(match, rate, match["unit"].lower(), "en", "en.worked_example",
                                   spec, f"{part:g} per {base:g} every {match['unit']}")
                if found:
                    yield found
    if doc.has_han:
        for rule, pattern in (("rate_before", ZH_RATE_BEFORE), ("rate_after", ZH_RATE_AFTER)):
            for match in scan.finditer(pattern):
                rate = to_number(match["num"].replace(",", "."))
                period = _zh_period(match["period"])
                if rate is not None:
                    found = _candidate(match, rate, period, "zh", f"zh.{rule}", spec,
                                       f"{rate:g}% per {period}")
                    if found:
                        yield found
        for match in scan.finditer(ZH_POINTS):
            rate = to_number(match["num"])
            if rate is not None:
                period = _zh_period(match["period"])
                found = _candidate(match, rate, period, "zh", "zh.points", spec,
                                   f"{rate:g}个点 per {period}")
                if found:
                    yield found
        for match in scan.finditer(ZH_TOTAL_IN):
            total, count = to_number(match["num"]), int(match["n"])
            if total and count:
                period = _ZH_UNIT[match["unit"]]
                found = _candidate(match, total / count, period, "zh", "zh.total_in", spec,
                                   f"{total:g}% in {count} {period}s")
                if found:
                    yield found
        for item in chinese_amount_totals(text):
            found = _amount_candidate(item, "zh", spec, "amount_total")
            if found:
                yield found
        for item in chinese_amount_rates(text):
            found = _amount_candidate(item, "zh", spec)
            if found:
                yield found
        for match in scan.finditer(ZH_MULTIPLY):
            count = 2 if match["n"] == "两" else int(match["n"])
            period = _ZH_UNIT[match["unit"]]
            multiple = int(match["mult"]) if match["mult"] else 2
            if not count or multiple <= 1:
                continue
            rate = (multiple - 1) * 100 / count
            # 回本 (payback): a red flag within a year; 48个月回本 or 5年回本 is an ordinary business case
            if match["payback"] and annualise(rate, period) < _payback_floor(spec):
                continue
            # "三年翻倍" is a growth story: a multiple over years needs its own, higher floor
            if period == "year" and rate < float(spec.params.get("min_annual_multi_year", 100)):
                continue
            found = _candidate(match, rate, period, "zh", "zh.multiply", spec,
                               f"x{multiple} in {count} {period}s")
            if found:
                yield found
