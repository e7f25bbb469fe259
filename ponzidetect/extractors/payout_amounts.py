"""Fixed payouts stated as amounts: "the $100 plan pays $3.5 a day", "投10000，每天到账120".

A pitch often gives no percentage, only a base amount (what you put in, what a plan or a machine
costs) and the amount it pays each day, week or month. The rate is their ratio: $3.5 a day on
$100 is 3.5 % a day. English needs a money amount (a currency sign or unit) for both, a payout
word between them ("pays", "returns", "get ... back", "daily income") and no sentence break;
Chinese needs a verb of putting money in before the base (投, 存入, 买, 认购...) and a payout
word after the period (每天到账, 每月返, 每天给你结算). The payout must be smaller than the base.
The text layer has already turned Chinese numerals into digits (一万 -> 10000).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..scanner import checked, compile_rule
from . import to_number

_AMOUNT = r"\d{1,3}(?:,\d{3}){1,3}(?:\.\d{1,4})?|\d{1,9}(?:\.\d{1,4})?"
# In Chinese text the full-width comma becomes "," too: "120，100天" is two numbers, so a
# thousands separator counts only when a currency or amount unit follows ("9,800元").
_AMOUNT_ZH = (r"\d{1,3}(?:,\d{3}){1,3}(?:\.\d{1,4})?(?=\s{0,2}(?:元|块|u(?![a-z])|usdt|美元|美金|刀|万|枚))"
              r"|\d{1,9}(?:\.\d{1,4})?")
_UNIT_EN = r"usdt|usd|dollars?|trx|bnb|busd|eth|btc|naira|euros?|eur|ltc|doge"
EN_MONEY = compile_rule(
    rf"(?:(?:\$|us\$|usd|usdt|€|£)\s{{0,1}}(?P<n1>{_AMOUNT})(?P<k1>k\b)?"
    rf"|(?P<n2>{_AMOUNT})(?P<k2>k\b)?\s{{0,2}}(?:{_UNIT_EN})\b|(?P<n3>{_AMOUNT})\s{{0,1}}\$)(?![\d.,]\d)",
    re.IGNORECASE, name="return_rate.en_money", code=True,
)
EN_PERIOD_AFTER = checked(
    r"\s{0,3}(?:(?:back|out|in\s{1,2}(?:profit|rewards?)|profit|income|interest|rewards?)\s{1,2})?"
    r"(?:(?:a|per|every|each|/)\s{0,2}(?:single\s{1,2})?(?P<p1>day|d|week|wk|month|mo)\b"
    r"|(?P<p2>daily|weekly|monthly)\b)",
    re.IGNORECASE,
)
EN_PERIOD_BEFORE = checked(
    r"(?P<p3>daily|weekly|monthly|every\s{1,2}day|each\s{1,2}day|per\s{1,2}day)\s{1,3}"
    r"(?:[a-z]{2,12}\s{1,2}){0,2}(?:of\s{1,2}|:\s{0,2}|=\s{0,2})?$",
    re.IGNORECASE,
)
EN_PAYOUT_WORD = checked(
    r"\b(?:pays?|paid|paying|returns?|earns?|earning|gets?|receives?|produces?|generates?|gives?"
    r"|yields?|credits?|credited|collects?|makes?|out|back|income|profit|interest|dividends?"
    r"|rewards?|bonus|payouts?|mines?)\b|→|->|=>",
    re.IGNORECASE,
)
_EN_BREAK = checked(r"[!?;\n]|\.(?:\s|$)")
# A plan, machine or share named right before its price, as in a price table: "Gold contract ·
# $2,000 · $70/day", "Miner X: $500 rental, $18 a day"; then only separators (or "rental",
# "price") may stand between the price and the daily payout.
EN_UNIT_BEFORE = checked(
    r"\b(?:contract|plan|package|pack|share|node|miner|machine|rig|rental|car|unit|licen[cs]e|bot|robot"
    r"|box|tier|level|slot|seat|vault)s?\b[\w\s]{0,14}?[:·|—–-]?\s{0,3}$",
    re.IGNORECASE,
)
EN_SEPARATOR_GAP = checked(r"(?:\s{0,2}(?:rental|price|cost|each))?[\s·|—–,:;-]{1,6}", re.IGNORECASE)
# "$12 a day for 30 days on $400", "30 usdt a day on 2k": the base after the payout
EN_BASE_AFTER = checked(
    r"\s{0,3}(?:for\s{1,2}\d{1,4}\s{1,2}days\s{0,2})?,?\s{0,2}(?:on|from)\s{1,2}(?:a|an|the|your|my|each|every)?"
    r"\s{0,2}(?:(?:\$|usdt|usd)\s{0,1}(?P<b1>\d(?:[\d,.]{0,10}\d)?)(?P<k1>k\b)?"
    r"|(?P<b2>\d(?:[\d,.]{0,10}\d)?)(?P<k2>k\b)?(?:\s{0,2}(?:usdt|usd|dollars|trx|bnb|eth)\b)?)(?![\d.,]\d)",
    re.IGNORECASE,
)
# "Send $300 and get $420 back in 10 days", "put 200 usdt, receive 500 back after 30 days"
# "Send 0.1 ETH to the contract and get 0.12 ETH back tomorrow", "... back in 24 hours"
EN_GET_TOTAL = checked(
    r"[,;:]?\s{0,3}(?:[a-z]{1,10}\s{1,2}){0,5}?(?:get|gets|receive|receives|take|collect)\s{1,2}(?:back\s{1,2})?"
    rf"(?P<cur>\$|usdt|usd)?\s{{0,1}}(?P<t>{_AMOUNT})(?P<k>k\b)?\s{{0,2}}(?:(?P<u>{_UNIT_EN})\b)?\s{{0,2}}"
    r"(?:back\s{1,2})?(?:(?:in|within|after)\s{1,2}(?:just\s{1,2}|only\s{1,2})?(?P<n>\d{1,3})\s{0,2}"
    r"(?P<unit>hours?|days?|weeks?|months?)\b|(?P<next>tomorrow|next\s{1,2}(?:day|week|month)|overnight)\b)",
    re.IGNORECASE,
)
# Words between the sum sent and the sum back that make it a refund, change or an exchange
EN_NOT_RETURN = checked(
    r"\b(?:refunds?|refunded|change|exchange|swap|convert|deposit\s{1,2}back|loan|borrow)", re.IGNORECASE)
_SAME_UNIT = {"$": "usd", "usd": "usd", "usdt": "usd", "us$": "usd", "dollar": "usd", "dollars": "usd",
              "busd": "usd", "euro": "eur", "euros": "eur", "€": "eur", "£": "gbp"}


def _unit(token: str | None) -> str:
    word = re.sub(r"[\d.,\sk]", "", (token or "").lower())
    return _SAME_UNIT.get(word, word)


_EN_UNIT = {"hour": "hour", "hours": "hour", "day": "day", "days": "day", "week": "week",
            "weeks": "week", "month": "month", "months": "month"}
_EN_PERIOD = {"day": "day", "d": "day", "daily": "day", "every day": "day", "each day": "day",
              "per day": "day", "week": "week", "wk": "week", "weekly": "week", "month": "month",
              "mo": "month", "monthly": "month"}

ZH_AMOUNT_PERIOD = compile_rule(
    r"(?:投资|投入|存入|预存|预付|储值|入金|充值|购买|质押|认购|认筹|缴纳|领养|认养|进场|捐出|入股|租了|投|存|买|花|放|交|缴|出|抢|捐"
    r"|每(?:股|份|台|棵|株|套|块|单|颗|亩|轮)|售价|单价|定价|认购价)"
    r"\s{0,2}(?:了)?\s{0,2}(?:(?:\d{1,3}|一)\s{0,2}(?:个|台|头|份|只|张|套|单))?[^。；！？\n\d]{0,8}?"
    rf"(?P<base>{_AMOUNT_ZH})(?!\d|\s{{0,2}}(?:个|台|头|份|只|张|套|单|天|次))\s{{0,2}}(?P<bunit>元|块|u(?![a-z])|usdt|美元|美金|刀|万)?"
    r"(?P<gap>[^。；！？\n]{0,24}?)"
    r"(?P<period>每天|每日|每周|每个月|每月|一天|1天)\s{0,2}(?:固定|保底|稳定|都|都能|能|可|可以|会|就|自动|获得)?\s{0,2}"
    r"(?:给你|给您|返你|给)?\s{0,2}"
    r"(?:到账|返还?|收益|分红|分|赚|拿|领取?|产出|产|收|有|能拿|可得|结算|发放?|补贴|红利|感恩金|差不多|大概|约|固定|租金)"
    r"[^。；！？\n\d]{0,10}?"
    rf"(?P<part>{_AMOUNT_ZH})\s{{0,2}}(?P<punit>元|块|u(?![a-z])|usdt|美元|枚)?",
    name="return_rate.zh_amount_period", code=True
)
# A base, then "N天后到手/返还 <total>": 投5000元，20天后返还6200元; 每单2万元，10天到手2.4万元
ZH_TOTAL_AMOUNT = compile_rule(
    rf"(?P<base>{_AMOUNT_ZH})\s{{0,2}}(?P<bunit>元|块|u(?![a-z])|usdt|万)(?P<gap>[^。；！？\n\d]{{0,8}}?)"
    r"(?P<n>\d{1,3})\s{0,2}(?P<unit>天|日|个月|周)\s{0,2}(?:后|内|之后|到期)?\s{0,2}(?:就|即可|可以|能)?\s{0,2}"
    r"(?:到手|返还?|拿回|到账|回来|变成|连本带利|收回|回款|兑付)(?:了)?\s{0,2}"
    rf"(?P<total>{_AMOUNT_ZH})\s{{0,2}}(?P<tunit>元|块|u(?![a-z])|usdt|万)?",
    name="return_rate.zh_total_amount", code=True
)
_ZH_TOTAL_UNIT = {"天": "day", "日": "day", "周": "week", "个月": "month"}
_ZH_PERIOD = {"每天": "day", "每日": "day", "一天": "day", "1天": "day", "每周": "week",
              "每个月": "month", "每月": "month"}


@dataclass(frozen=True, slots=True)
class AmountRate:
    """A payout per period as a rate on a base amount, in normalised-text coordinates."""

    start: int
    end: int
    rate_percent: float
    period: str
    stated: str


def _money_value(match: re.Match[str]) -> float | None:
    for suffix in ("1", "2", "3"):
        token = match[f"n{suffix}"]
        if token:
            value = to_number(token)
            if value is not None and suffix != "3" and match[f"k{suffix}"]:
                value *= 1000
            return value
    return None


def english_amount_rates(text: str) -> Iterator[AmountRate]:
    """'$100 plan pays $3.5 a day', 'Put in $500, get $15 back every day' -> rate per period."""
    moneys = list(EN_MONEY.finditer(text))
    for index, part in enumerate(moneys):
        after = EN_PERIOD_AFTER.match(text, part.end(), min(len(text), part.end() + 40))
        before = EN_PERIOD_BEFORE.search(text, max(0, part.start() - 40), part.start())
        if after is None and before is None:
            continue
        word = (after["p1"] or after["p2"]) if after else before["p3"]  # type: ignore[index]
        period = _EN_PERIOD.get(re.sub(r"\s{1,2}", " ", word.lower()))
        paid = _money_value(part)
        if period is None or not paid:
            continue
        end = after.end() if after else part.end()
        later = EN_BASE_AFTER.match(text, end, min(len(text), end + 60)) if after else None
        if later is not None:
            amount = to_number(later["b1"] or later["b2"])
            if amount and (later["k1"] or later["k2"]):
                amount *= 1000
            if amount and paid < amount:
                yield AmountRate(part.start(), later.end(), paid / amount * 100, period,
                                 f"{paid:g} per {period} on {amount:g}")
                continue
        for base in reversed(moneys[:index]):
            if part.start() - base.end() > 80:
                break
            between = text[base.end():part.start()]
            if _EN_BREAK.search(between):
                continue
            if EN_PAYOUT_WORD.search(between) is None and not (
                    EN_SEPARATOR_GAP.fullmatch(between)
                    and EN_UNIT_BEFORE.search(text, max(0, base.start() - 40), base.start())):
                continue
            amount = _money_value(base)
            if amount and paid < amount:
                yield AmountRate(base.start(), end, paid / amount * 100, period,
                                 f"{paid:g} per {period} on {amount:g}")
            break


def english_amount_totals(text: str) -> Iterator[AmountRate]:
    """'Send $300 and get $420 back in 10 days' -> (420 / 300 - 1) / 10 per day."""
    for base in EN_MONEY.finditer(text):
        back = EN_GET_TOTAL.match(text, base.end(), min(len(text), base.end() + 90))
        if back is None or _EN_BREAK.search(text, base.end(), back.start("t")):
            continue
        sent_unit, back_unit = _unit(base[0]), _unit(back["cur"] or back["u"])
        if (sent_unit and back_unit and sent_unit != back_unit) or EN_NOT_RETURN.search(
                text, max(0, base.start() - 40), back.start("t")):
            continue  # 1 BTC for 15 ETH is an exchange; a refund or change is not a return
        amount, total = _money_value(base), to_number(back["t"])
        if back["next"]:
            count, unit = 1, {"month": "month", "week": "week"}.get(back["next"].split()[-1].lower(), "day")
        else:
            count, unit = int(back["n"]), back["unit"].lower()
        if total and back["k"]:
            total *= 1000
        if amount and total and count and amount < total <= 10 * amount:
            period = _EN_UNIT[unit]
            yield AmountRate(base.start(), back.end(), (total / amount - 1) * 100 / count, period,
                             f"{total:g} back after {count} {period}s on {amount:g}")


def chinese_amount_rates(text: str) -> Iterator[AmountRate]:
    """'投10000，每天到账120', '存入20000，每月返还400元' -> rate per period."""
    for match in ZH_AMOUNT_PERIOD.finditer(text):
        base, part = to_number(match["base"]), to_number(match["part"])
        if not base or not part:
            continue
        if match["bunit"] == "万":
            base *= 10_000
        if part < base:
            period = _ZH_PERIOD[match["period"]]
            yield AmountRate(match.start(), match.end(), part / base * 100, period,
                             f"{part:g} per {period} on {base:g}")


def _zh_amount(token: str, unit: str | None) -> float | None:
    value = to_number(token)
    return None if value is None else value * (10_000 if unit == "万" else 1)


def chinese_amount_totals(text: str) -> Iterator[AmountRate]:
    """'投5000元，20天后返还6200元' -> (6200 / 5000 - 1) / 20 per day."""
    for match in ZH_TOTAL_AMOUNT.finditer(text):
        base = _zh_amount(match["base"], match["bunit"])
        total = _zh_amount(match["total"], match["tunit"] or match["bunit"])
        count = int(match["n"])
        if not base or not total or not count or not base < total <= 10 * base:
            continue
        rate = (total / base - 1) * 100 / count
        period = _ZH_TOTAL_UNIT[match["unit"]]
        yield AmountRate(match.start(), match.end(), rate, period,
                         f"{total:g} after {count} {period}s on {base:g}")
