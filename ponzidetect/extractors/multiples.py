"""Fixed payout multiples promised on a deposit, with no period: doublers, "x10", "三倍出局".

The value is the total payout as a multiple of the deposit: "earn 200% profit on each deposit"
-> 3.0, "send 100, I'll send back 210" -> 2.1, "Multiply your ETH by 10x" -> 10.0,
"receive 120% back" -> 1.2, "三倍出局" -> 3.0, "投一万返三万" -> 3.0, "capped at 300%" -> 3.0,
"exit at 2.5x" -> 2.5. A rate with a period
("2% daily", "翻倍 in 100 days") is left to ``high_periodic_returns``; a promise is needed
("you will earn", "every depositor gets"), so "early buyers earned 200%" in a news story is not
evidence. Small multiples below the flag's ``min_multiple`` are ignored (a 4% interest line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._cn_numerals import parse_chinese_number
from ..catalogue import FlagSpec
from ..document import Document
from ..radii import RADII
from ..scanner import Scan, checked, compile_rule
from . import Candidate, extractor, near, to_number

_PCT = r"(?P<pct>\d{1,4}(?:\.\d{1,2})?)\s{0,2}%"
_COIN = (r"(?:ether|eth|bnb|trx|tron|btc|usdt|usd|finney|money|coins?|deposits?|investments?"
         r"|funds|crypto|tokens?|capital|stake)")
_PROMISE_VERB = r"(?:earn|earns|get|gets|receive|receives|make|makes|gain|gains|collect|win|take)"

EN_PROFIT = compile_rule(
    r"\b" + _PROMISE_VERB + r"\s{1,3}(?:(?:a|an|up\s{1,2}to|at\s{1,2}least|guaranteed|fixed|instant|"
    r"instantly|whopping|massive|solid|full|extra|another|home)\s{1,3}){0,3}\+?" + _PCT
    + r"\s{0,3}(?:(?:instant|fixed|guaranteed|net|pure|total|clean)\s{1,3})?"
    r"(?P<kind>profits?|payouts?|returns?|roi|gains?|back|interest)\b",
    re.IGNORECASE, name="payout_multiple.en_profit", code=True)
EN_PROFIT_ON = compile_rule(
    r"\b" + _PCT + r"\s{1,3}(?P<kind>profits?|payouts?|returns?|roi|gains?)\s{1,3}(?:on|of|for)"
    r"\s{1,3}(?:your|his|her|their|each|every|any)\s{1,3}(?:\w{1,12}\s{1,3}){0,1}"
    r"(?:deposits?|investments?|ether|eth|bnb|trx|stake|contribution)\b",
    re.IGNORECASE, name="payout_multiple.en_profit_on", code=True)
_PAY_VERB = (r"(?:receives?|receiving|gets?|getting|paid|pays?|paying|repaid|owed|earns?|returns?"
             r"|returning|yield(?:s|ing)?|gives?|giving|reach(?:es)?|reaching|credited)")
_PAY_FILLER = (r"(?:(?:you|them|him|her|it|back|out|at|a|an|up\s{1,2}to|exactly|fixed|guaranteed"
               r"|total(?:ly)?|of)\s{1,2}){0,3}")
# "pays them 200% of what they put in", "yielding 1.25 (125%)", "receive 133% of your deposit"
EN_PAYS_TOTAL = compile_rule(
    r"\b" + _PAY_VERB + r"\s{1,2}" + _PAY_FILLER
    + r"(?:\d{1,2}\.\d{1,3}\s{0,2}\(\s{0,2})?(?P<pct>\d{3,4}(?:\.\d{1,2})?)\s{0,2}%",
    re.IGNORECASE, name="payout_multiple.en_pays_total", code=True)
# "pay you 1.4x", "you are owed 2x", "gets 5x their deposit", "2x payout", "payout = 2x amount"
EN_PAYS_TIMES = compile_rule(
    r"\b(?:" + _PAY_VERB + r"\s{1,2}" + _PAY_FILLER + r"(?P<x1>\d{1,2}(?:\.\d{1,2})?)\s{0,1}x\b"
    r"(?=[ \t]{0,2}(?:[.,;:!?)]|$|\n(?!\s{0,3}[a-z])"
    r"|(?:your|their|his|her|the|what|that|of|back|payouts?|returns?|it"
    r"|deposits?|investments?|ether|eth|bnb|trx|usdt|instantly|automatically)\b))"
    r"|(?P<x2>\d{1,2}(?:\.\d{1,2})?)\s{0,1}x\s{1,2}(?:payouts?|returns?|(?:what|the\s{1,2}amount)\s{1,2}"
    r"(?:you|they|he|she)\s{1,2}(?:sent|put\s{1,2}in|deposited|paid))\b"
    r"|payouts?\s{0,2}[=:]\s{0,2}(?P<x3>\d{1,2}(?:\.\d{1,2})?)\s{0,1}x\b)",
    re.IGNORECASE, name="payout_multiple.en_pays_times", code=True)
# "every deposit is doubled", "your ETH gets tripled"
EN_DOUBLED = compile_rule(
    r"\b(?:deposits?|investments?|ether|eth|bnb|trx|money|stake)\s{1,2}(?:is|are|gets?|will\s{1,2}be)"
    r"\s{1,2}(?:instantly\s{1,2}|automatically\s{1,2})?(?P<verb>doubled|tripled|quadrupled)\b",
    re.IGNORECASE, name="payout_multiple.en_doubled", code=True)
EN_TIMES_YOUR = compile_rule(
    r"\b(?:(?P<verb>multiply|double|triple|quadruple|grow|turn)\s{1,2}your\s{1,2}(?:\w{1,10}\s{1,2})?"
    + _COIN + r"(?:\s{1,3}(?:by\s{1,2})?(?:x\s{0,1}(?P<x1>\d{1,3}(?:\.\d{1,2})?)\b"
    r"|(?P<x2>\d{1,3}(?:\.\d{1,2})?)\s{0,1}(?:x|times)\b|\+\s{0,1}" + _PCT + r"))?"
    r"|(?:x\s{0,1}(?P<x3>\d{1,3})|(?P<x4>\d{1,3})x)\s{1,2}your\s{1,2}" + _COIN + r")",
    re.IGNORECASE, name="payout_multiple.en_times_your", code=True)
EN_SEND_GET = compile_rule(
    r"\b(?:send|deposit|invest|put\s{1,2}in|transfer|contribute|stake)\w{0,3}\s{1,3}"
    r"(?P<a>\d{1,7}(?:\.\d{1,4})?)\s{0,2}(?:[a-z]{1,8}\s{0,2})?[\s,;:.!>-]{0,6}"
    r"(?:[a-z']{1,10}\s{1,3}){0,3}(?:get|receive|send\s{1,2}(?:you\s{1,2})?back|return|pay\s{1,2}"
    r"(?:you\s{1,2})?(?:back|out)|withdraw|walk\s{1,2}away\s{1,2}with)\s{1,3}(?:you\s{1,2})?"
    r"(?P<b>\d{1,7}(?:\.\d{1,4})?)(?![\d.]|\s{0,2}%)",
    re.IGNORECASE, name="payout_multiple.en_send_get", code=True)
# A cap on what a deposit can pay out: "capped at 300%", "exit at 3x", "until you receive 2.5x",
# "max profit 250% per deposit". Not leverage or speed ("up to 100x leverage", "5x faster").
EN_CAP = compile_rule(
    r"\b(?:capped|caps?|limited|max(?:imum)?|until\s{1,2}(?:you|it|they|the\s{1,2}\w{1,12})\s{1,2}"
    r"(?:have\s{1,2}|has\s{1,2})?(?:receive|earn|get|reach|withdraw|paid|pay|return)\w{0,3}|exits?"
    r"\s{1,2}(?:automatically\s{1,2})?(?:at|after|once\s{1,2}(?:it\s{1,2})?(?:pays|reaches|hits))|retires?"
    r"\s{1,2}(?:at|after)|out\s{1,2}at)\s{1,2}(?:(?:total\s{1,2})?(?:profits?|returns?|payouts?|earnings?"
    r"|rewards?|income)\s{1,2})?(?:at\s{1,2}|of\s{1,2}|is\s{1,2}|:\s{0,2})?(?:(?:a|the|total)\s{1,2})?"
    r"(?:(?P<pct>\d{3,4})\s{0,2}%|(?P<x>\d{1,2}(?:\.\d{1,2})?)\s{0,1}x\b)"
    r"(?!\s{0,2}(?:leverage|margin|faster|slower|more|cheaper|zoom|speed))",
    re.IGNORECASE, name="payout_multiple.en_cap", code=True)
# "my $5,000 would become $10,000", "put in 1000, in 30 days you get back 1300"
EN_BECOME = compile_rule(
    r"(?:\$|usd|usdt)?\s{0,1}(?P<a>\d{1,3}(?:,\d{3}){1,3}|\d{1,7})(?:\.\d{1,4})?\s{0,2}(?:[a-z]{1,8}\s{0,2})?"
    r"(?:would|will|is\s{1,2}going\s{1,2}to|should)\s{1,2}(?:become|turn\s{1,2}into|grow\s{1,2}(?:in)?to)\s{1,2}"
    r"(?P<cur>\$|usd|usdt)?\s{0,1}(?P<b>\d{1,3}(?:,\d{3}){1,3}|\d{1,7})(?!\d|\.\d)"
    r"|\b(?:put\s{1,2}in|deposit|invest|send|stake)\w{0,3}\s{1,3}\$?(?P<a2>\d{1,3}(?:,\d{3}){1,3}|\d{1,7})"
    r"(?:\.\d{1,4})?\s{0,2}(?:[a-z]{1,8}\s{0,2})?[,;]?\s{1,3}(?:(?:and\s{1,2})?(?:in|after|within)\s{1,2}\d{1,4}\s{0,2}"
    r"(?:days?|weeks?|months?)\s{0,2},?\s{1,3})?(?:you\s{1,2})?(?:(?:will|'ll|can)\s{1,2})?"
    r"(?:get|receive|collect|take)\s{1,2}(?:back\s{1,2}\$?(?P<b2>\d{1,3}(?:,\d{3}){1,3}|\d{1,7})(?!\d|\.\d|\s{0,2}%)"
    # "invest $1,000, get $3,000 back in 100 days": the sum, then "back"
    r"|\$?(?P<b3>\d{1,3}(?:,\d{3}){1,3}|\d{1,7})(?!\d|\.\d|\s{0,2}%)\s{0,2}"
    r"(?:(?!(?:cash|store|credit|bonus|points?|vouchers?|coupons?)\b)[a-z]{1,8}\s{1,2})?back\b)",
    re.IGNORECASE, name="payout_multiple.en_becomes", code=True)
_ZH_NUM = (r"(?:\d{1,7}(?:\.\d{1,4})?|[一二两三四五六七八九十百]{1,4})"
           r"(?:[万千](?:\d{1,3}|[一二两三四五六七八九])?[千百]?)?")
_ZH_TIMES = r"(?P<{n}>\d{{1,2}}(?:\.\d{{1,2}})?|两)\s{{0,2}}倍(?P<{h}>半)?"
_ZH_PCT = r"(?P<{p}>\d{{3,4}})\s{{0,2}}%"
# "3倍出局", "收益达到本金的3倍即出局", "150%出局", "封顶本金两倍", "收益上限为入金的3倍",
# "提供帮助金额的150%", "每人拿本金的两倍", "拿走 2100 TRX（三倍）"
ZH_OUT = compile_rule(
    r"(?:本金的?\s{0,2})?(?:" + _ZH_TIMES.format(n="n", h="h") + "|" + _ZH_PCT.format(p="pct")
    + r")\s{0,2}(?:收益\s{0,2})?(?:即|就|后|时|自动)?\s{0,2}(?:出局|封顶)"
    r"|(?:出局|封顶|(?:收益|分红|奖金|返还)?上限)(?:收益|额度|线)?\s{0,2}(?:为|是|到)?\s{0,2}"
    r"(?:(?:本金|入金|投资额?|投入)的?)?\s{0,2}(?:" + _ZH_TIMES.format(n="n2", h="h2") + "|"
    + _ZH_PCT.format(p="pct2") + r")"
    r"|(?:本金|入金|投资额|投入|帮助金额)的\s{0,2}(?:" + _ZH_TIMES.format(n="n3", h="h3") + "|"
    + _ZH_PCT.format(p="pct3") + r")"
    r"|(?:拿走|拿到|获得|返还|得到|领取)[^。；！？\n]{0,16}?[（(]\s{0,2}"
    + _ZH_TIMES.format(n="n4", h="h4") + r"\s{0,2}[）)]",
    name="payout_multiple.zh_out", code=True,
)
ZH_RATIO = compile_rule(
    r"(?:投资|投入|投|入金|存入|充值|买入)\s{0,2}(?P<a>" + _ZH_NUM + r")"
    r"\s{0,2}(?:元|块|u|usdt)?(?P<gap>[^。；！？\n\d]{0,10}?)"
    # a fixed term between them: 投资1万，100天返3万 (but not 每天返: that is a rate per day)
    r"(?:(?P<term>\d{1,3}\s{0,2}(?:天|日|周|个月)\s{0,2}(?:后|内|之后|到期)?)\s{0,2}(?:就能|就可以|就|即可|可以|能)?\s{0,2})?"
    r"(?:返还|返|拿回|收回|到手|赚到|领取|提走|回报)\s{0,2}(?P<b>" + _ZH_NUM + r")",
    name="payout_multiple.zh_ratio", code=True,
)
ZH_DOUBLE = compile_rule(
    r"(?:本金|投资|资金|入金|本钱)\s{0,2}(?:直接|就|就能|可|可以|能|即可|马上|立刻|轻松|至少)?\s{0,2}"
    r"翻(?:倍|番|(?P<n>\d{1,2})倍)",
    name="payout_multiple.zh_double", code=True,
)

_PERIOD_AFTER = checked(
    r"[\s,.;:!)(-]{0,3}(?:\w{1,12}\s{1,2}){0,2}(?:daily|hourly|weekly|monthly|yearly|annually|apy|apr"
    r"|p\.a\.|per\s{1,2}(?:day|hour|week|month|year|annum)|a\s{1,2}(?:day|week|month|year)"
    r"|every\s{1,2}(?:day|hour|week|month|24)|each\s{1,2}(?:day|week|month)"
    r"|(?:in|within|for|after)\s{1,2}\d{1,4}\s{0,2}(?:hours?|days?|weeks?|months?|years?)"
    r"|(?:in|within|over|after)\s{1,2}(?:a|one|the\s{1,2}first)\s{1,2}(?:day|week|month|year)"
    r"|(?:in|since|during|over|by)\s{1,2}(?:the\s{1,2})?(?:19|20)\d\d|last\s{1,2}(?:year|month|week))\b",
    re.IGNORECASE,
)
_ZH_PERIOD = checked(r"每|天|日|周|月|年|小时")
_PROMISE_LEFT = checked(
    r"\b(?:you|your|you'll|will|can|each|every|guarantee[ds]?|instantly|now|deposit|send|invest"
    r"|stake)\b|(?:^|[.!?\n])\s{0,3}$",
    re.IGNORECASE,
)
_CONTEXT = checked(
    r"deposit|invest|player|participant|member|ether|\beth\b|bnb|trx|usdt|finney|contract|stake"
    r"|\bpay",
    re.IGNORECASE,
)
_CAP_CONTEXT = checked(r"\b(?:fee|paid|nodes?|plans?|packages?|principal|roi|daily)\b", re.IGNORECASE)
_WORD_AFTER = checked(r"\s{0,3}[a-z]")
_MEASURE_LEFT = checked(
    r"(?:rate\s{1,2}of|internal|annual(?:ised|ized)?|expected|historical|average|projected|target)"
    r"\s{1,2}$",
    re.IGNORECASE,
)
_MULTIPLIER_WORD = {"double": 2.0, "triple": 3.0, "quadruple": 4.0}


def _periodic_after(text: str, end: int) -> bool:
    """A period right after the rate ("... profit daily", "... in 30 days"): not a fixed multiple."""
    return _PERIOD_AFTER.match(text, end, min(len(text), end + 40)) is not None


def _promised(text: str, start: int, end: int) -> bool:
    """A promise to the reader nearby, and a deposit/investment context."""
    left = text[max(0, start - 40):start]
    _, window = near(text, start, end, RADII["en"].extractor)
    return _PROMISE_LEFT.search(left) is not None and _CONTEXT.search(window) is not None


def _fixed_in_context(text: str, match: re.Match[str]) -> bool:
    """No period right after, not a financial measure ("rate of return 213%"), a deposit context."""
    _, window = near(text, match.start(), match.end(), RADII["en"].extractor)
    return (not _periodic_after(text, match.end())
            and _MEASURE_LEFT.search(text, max(0, match.start() - 24), match.start()) is None
            and _CONTEXT.search(window) is not None)


def _multiple_of_percent(percent: float, kind: str) -> float:
    """Total payout as a multiple of the deposit: profit on top, or a payout that includes it."""
    kind = kind.lower()
    if kind.startswith(("payout", "return", "back")) and percent >= 100:
        return percent / 100
    return 1 + percent / 100


def _zh_out_multiple(match: re.Match[str]) -> float:
    for suffix in ("", "2", "3", "4"):
        if times := match["n" + suffix]:
            return (2.0 if times == "两" else float(times)) + (0.5 if match["h" + suffix] else 0.0)
        if suffix != "4" and (percent := match["pct" + suffix]):
            return float(percent) / 100
    return 0.0


def _english(scan: Scan) -> Iterator[tuple[re.Match[str], float, str, str]]:
    text = scan.text
    if "%" in text:
        for match in scan.finditer(EN_PROFIT):
            if not _periodic_after(text, match.end()) and _promised(text, match.start(), match.end()):
                yield match, _multiple_of_percent(float(match["pct"]), match["kind"]), \
                    "en.profit_promise", f"{match['pct']}% {match['kind'].lower()}"
        for match in scan.finditer(EN_PAYS_TOTAL):
            if _fixed_in_context(text, match):
                yield match, float(match["pct"]) / 100, "en.pays_total", f"pays {match['pct']}%"
        for match in scan.finditer(EN_PROFIT_ON):
            if not _periodic_after(text, match.end()):
                yield match, _multiple_of_percent(float(match["pct"]), match["kind"]), \
                    "en.profit_on_deposit", f"{match['pct']}% {match['kind'].lower()} on a deposit"
    for match in scan.finditer(EN_TIMES_YOUR):
        if _periodic_after(text, match.end()):
            continue
        if match["pct"]:
            multiple = 1 + float(match["pct"]) / 100
        elif times := match["x1"] or match["x2"] or match["x3"] or match["x4"]:
            multiple = float(times)
        elif verb := match["verb"]:
            multiple = _MULTIPLIER_WORD.get(verb.lower(), 0.0)
        else:
            multiple = 0.0
        if multiple:
            yield match, multiple, "en.times_your_deposit", f"x{multiple:g} your deposit"
    for match in scan.finditer(EN_PAYS_TIMES):
        # "Earn 2x." with nothing after it needs a promise; "pay you 1.4x your deposit" does not.
        bare = match["x1"] and _WORD_AFTER.match(text, match.end()) is None
        if _fixed_in_context(text, match) and (not bare or _promised(text, match.start(), match.end())):
            times = float(match["x1"] or match["x2"] or match["x3"])
            yield match, times, "en.pays_times", f"pays {times:g}x"
    for match in scan.finditer(EN_DOUBLED):
        if not _periodic_after(text, match.end()):
            times = _MULTIPLIER_WORD[match["verb"].lower()[:-1]]
            yield match, times, "en.deposit_doubled", f"deposit {match['verb'].lower()}"
    for match in scan.finditer(EN_CAP):
        _, window = near(text, match.start(), match.end(), 120)
        if _CONTEXT.search(window) is not None or _CAP_CONTEXT.search(window) is not None:
            multiple = float(match["x"]) if match["x"] else float(match["pct"]) / 100
            yield match, multiple, "en.payout_cap", f"payout capped at x{multiple:g}"
    for match in scan.finditer(EN_BECOME):
        sent, back = to_number(match["a"] or match["a2"]), to_number(match["b"] or match["b2"] or match["b3"])
        money = match["a2"] or match["cur"] or _CONTEXT.search(
            text, max(0, match.start() - 120), match.end() + 120) is not None
        if sent and back and money:
            yield match, back / sent, "en.becomes", f"{sent:g} becomes {back:g}"
    for match in scan.finditer(EN_SEND_GET):
        sent, back = to_number(match["a"]), to_number(match["b"])
        if sent and back and not _periodic_after(text, match.end()):
            yield match, back / sent, "en.send_get_back", f"{back:g} back for {sent:g}"


def _chinese(scan: Scan) -> Iterator[tuple[re.Match[str], float, str, str]]:
    text = scan.text
    if "倍" in text or "%" in text:
        for match in scan.finditer(ZH_OUT):
            yield match, _zh_out_multiple(match), "zh.exit_multiple", match[0]
    for match in scan.finditer(ZH_RATIO):
        if _ZH_PERIOD.search(match["gap"]):
            continue
        # Amounts such as 三万 or 1万5千 (the text layer turns most of them into digits already).
        sent, back = parse_chinese_number(match["a"]), parse_chinese_number(match["b"])
        if sent and back:
            yield match, back / sent, "zh.put_in_get_back", f"投{sent:g}返{back:g}"
    if "翻" in text:
        for match in scan.finditer(ZH_DOUBLE):
            around = text[max(0, match.start() - 8):match.end() + 6]
            if not _ZH_PERIOD.search(around):
                multiple = float(match["n"]) if match["n"] else 2.0
                yield match, multiple, "zh.principal_doubles", f"本金翻{multiple:g}倍"


@extractor("payout_multiple", rules=(EN_PROFIT, EN_PROFIT_ON, EN_PAYS_TOTAL, EN_PAYS_TIMES,
                                     EN_DOUBLED, EN_TIMES_YOUR, EN_SEND_GET, EN_CAP, EN_BECOME,
                                     ZH_OUT, ZH_RATIO,
                                     ZH_DOUBLE))
def extract_payout_multiples(doc: Document, spec: FlagSpec, scan: Scan) -> Iterator[Candidate]:
    """Yield promised fixed payout multiples between the flag's ``min_multiple`` and ``max_multiple``."""
    low = float(spec.params.get("min_multiple", 1.1))
    high = float(spec.params.get("max_multiple", 1000))
    found: list[tuple[str, Iterator[tuple[re.Match[str], float, str, str]]]] = []
    if doc.has_latin:
        found.append(("en", _english(scan)))
    if doc.has_han:
        found.append(("zh", _chinese(scan)))
    for lang, matches in found:
        for match, multiple, rule, stated in matches:
            if low <= multiple <= high:
                weight = min(1.0, 0.5 + (multiple - 1) / 4)
                yield Candidate(match.start(), match.end(), rule, round(weight, 3), lang,
                                round(multiple, 3), "x deposit", f"{stated} -> x{multiple:g} the deposit")
