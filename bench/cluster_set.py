"""A labelled set for the scheme-cluster benchmark and tests, built by templating.

Eighteen pitch templates (nine English, nine Chinese) written by the ponzidetect team for this
purpose, plus ordinary texts. Each template is filled many times the way operators clone a
pitch: a new project name, new amounts, rates and domains, a new greeting, sentences reordered or
one left out, and (in some copies) full-width digits or traditional characters. The truth is the
template a text came from; the ordinary one-line texts, filled the same way, form their own
near-duplicate groups (short texts that differ only in their numbers). Several templates share a scheme
type (two daily-return pitches, two robot pitches...), and the last template of each language
shares two sentences with the first, so that "same kind of scheme, different pitch" must stay
apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NAMES = ["AlphaNode", "Bright Mint", "CoinHarbor", "DeltaYield", "EverGain", "FortuneLink",
         "GoldPeak", "HyperVault", "IronBull", "JadeChain", "KiloStake", "LunaPrime", "MetaOrchard",
         "NovaBridge", "OrbitPay", "PolarFarm", "QuantRise", "RubyDAO", "SolarMint", "TitanFlow"]
NAMES_ZH = ["金元宝链", "鑫盛数字", "天成矿池", "瑞丰资本", "恒通宝", "聚财通", "星辰算力", "华赢国际",
            "富来网", "盛世币", "鼎力共享", "万融DAO", "博睿基金", "云腾节点", "东方汇", "盈众联盟"]
TLDS = ["io", "net", "vip", "top", "xyz", "app", "finance", "cc"]
GREETINGS = ["", "Hello friends! ", "Dear investors, ", "🔥🔥 ", "Good news! ", "Attention: "]
GREETINGS_ZH = ["", "各位家人们好！", "重磅消息！", "🔥🔥", "亲爱的会员：", "好消息！"]

TEMPLATES_EN: list[list[str]] = [
    [  # daily returns, principal back
        "{name} is the smartest way to grow your crypto in {year}.",
        "Deposit from {amount} USDT and receive {rate}% every day for {days} days.",
        "Your principal is returned in full at the end of the plan.",
        "Withdrawals are processed within 24 hours, no questions asked.",
        "Invite friends and earn {pct}% of every deposit they make.",
        "Register now at {domain} before the early bird offer ends.",
    ],
    [  # daily returns, robot
        "Our AI trading robot at {name} never sleeps and never loses.",
        "It scans {count} exchanges every second and locks in arbitrage profits for you.",
        "Members see between {rate}% and {rate2}% added to their balance daily.",
        "Start with as little as {amount} USDT and upgrade to VIP for higher rates.",
        "Thousands of members already trust us; check the live dashboard on {domain}.",
    ],
    [  # matrix / forced matrix
        "{name} runs a 3x{levels} forced matrix on the blockchain.",
        "Buy a slot for {amount} TRX and the smart contract fills your matrix automatically.",
        "Every new member placed under you sends TRX straight to your wallet.",
        "Spillover from your upline means you earn even if you never recruit.",
        "Once your matrix is full you recycle and get paid again, forever.",
        "Open {domain}, connect your wallet and claim your place.",
    ],
    [  # binary MLM with ranks
        "Join the {name} family and build two strong legs.",
        "Earn a {pct}% binary bonus on your weaker leg every week.",
        "Reach {levels} ranks from Bronze to Crown Ambassador and unlock car and house rewards.",
        "Top leaders travel to {city} for our annual gala, all expenses paid.",
        "Packages start at {amount} dollars and your sponsor will help you set up.",
        "Sign up through your sponsor link on {domain}.",
    ],
    [  # doubler contract
        "Send any amount of ETH to the {name} contract and get {mult}x back.",
        "The contract pays earlier players from the deposits of new ones, it is all on chain.",
        "No owner can stop it and no one can withdraw the pool.",
        "The sooner you send, the sooner you are paid.",
        "Contract address and live payouts are listed on {domain}.",
    ],
    [  # mining hardware share
        "Own a share of a real mining farm in {city} with {name}.",
        "Each share costs {amount} USDT and mines {rate}% of its price every single day.",
        "We handle electricity, cooling and maintenance so you do not have to.",
        "Contracts last {days} days and rewards arrive in your wallet each morning.",
        "Refer a friend and both of you get a free extra share.",
        "See the farm photos on {domain}.",
    ],
    [  # government backed fund
        "{name} is a licensed fund backed by the government of a Gulf state.",
        "Your capital is insured and returns of {rate}% a month are guaranteed by contract.",
        "We invest in oil, gold and real estate that only institutions can reach.",
        "The minimum investment is {amount} dollars and the first payout comes after {days} days.",
        "Our compliance officer will call you after you register on {domain}.",
    ],
    [  # click and earn app
        "Earn money just by watching ads with the {name} app.",
        "Buy a membership level for {amount} USDT and complete {count} simple tasks a day.",
        "Higher levels pay more per task, up to {rate}% of your level price daily.",
        "Bring three friends and your level upgrades for free.",
        "Download it today from {domain} and start earning in five minutes.",
    ],
    [  # sibling of the first pitch: shares two of its sentences, the rest is another pitch
        "{name} turns idle stablecoins into a monthly salary.",
        "Withdrawals are processed within 24 hours, no questions asked.",
        "Invite friends and earn {pct}% of every deposit they make.",
        "Choose the Silver, Gold or Diamond plan and lock it for {days} days.",
        "The Diamond plan pays {rate}% a week and includes a personal account manager.",
    ],
]

TEMPLATES_ZH: list[list[str]] = [
    [  # 保本保息 日息
        "{name}是{year}年最稳妥的数字资产增值平台。",
        "投资{amount}元起，每天返还{rate}%，连续{days}天。",
        "到期本金全额退还，保本保息，零风险。",
        "提现二十四小时内到账。",
        "推荐朋友投资，可拿对方投资额的{pct}%作为奖励。",
        "立即登录{domain}注册，名额有限。",
    ],
    [  # 公排 滑落
        "{name}全球公排火爆开启，先进先得。",
        "只需{amount}元激活一个点位，系统自动排位。",
        "后面每进来一个人，你都能拿到收益，滑落的人也算你的。",
        "不用拉人也能赚钱，出局后自动复投，循环收益。",
        "详情请访问{domain}或联系客服微信。",
    ],
    [  # 级别 团队奖
        "加入{name}，开启你的财富事业。",
        "平台共设{levels}个级别，从会员到全球董事，级别越高奖金越多。",
        "直推奖{pct}%，间推奖一半，团队业绩奖拿到{levels}代。",
        "每年组织优秀代理赴{city}考察学习，费用全包。",
        "入门套餐{amount}元，报单中心协助开户。",
        "官网：{domain}。",
    ],
    [  # 矿机 算力
        "{name}云算力矿机正式上线。",
        "每台矿机售价{amount}元，每天产出价格的{rate}%，{days}天回本。",
        "矿场位于{city}，电费和运维由平台承担。",
        "推荐一台矿机奖励{pct}%算力。",
        "矿场实拍和收益截图请看{domain}。",
    ],
    [  # 国家背景 养老
        "{name}是国家重点扶持的区块链养老项目。",
        "政府背书，资金由银行监管，绝对安全。",
        "月息{rate}%，每月按时发放，满{days}天可取回本金。",
        "投资{amount}元即可成为股东，享受终身分红。",
        "名额有限，请尽快到{domain}预约。",
    ],
    [  # 倍数 出局
        "{name}互助平台，投一万返{mult}万，三倍出局。",
        "排单后等待{days}天匹配，打款后即可收到回报。",
        "老会员的收益来自新会员的排单，人越多赚越快。",
        "每推荐一人再奖{pct}%。",
        "操作教程见{domain}。",
    ],
    [  # 量化机器人
        "{name}智能量化机器人，{count}家交易所自动搬砖套利。",
        "无需任何经验，每天稳赚{rate}%到{rate2}%。",
        "{amount}U起投，VIP等级越高收益越高。",
        "已有上万会员见证，收益实时可查。",
        "下载地址：{domain}。",
    ],
    [  # 看广告 任务
        "{name}看广告就能赚钱。",
        "购买会员等级{amount}元，每天完成{count}个简单任务。",
        "等级越高每单佣金越高，每天最高可得等级价格的{rate}%。",
        "拉三个好友，等级免费升级。",
        "今天就到{domain}下载，五分钟开始赚钱。",
    ],
    [  # 第一条的“兄弟”：共用两句，其余是另一套话术
        "{name}让闲置的稳定币每月给你发工资。",
        "到期本金全额退还，保本保息，零风险。",
        "推荐朋友投资，可拿对方投资额的{pct}%作为奖励。",
        "白银、黄金、钻石三种套餐，锁仓{days}天。",
        "钻石套餐每周收益{rate}%，另配专属客户经理。",
    ],
]

ORDINARY = [
    "The central bank left its policy rate unchanged at {rate}% on Thursday, citing stable prices.",
    "Our bakery on {city} Road opens at 7 am; fresh bread is {amount} cents off after 6 pm.",
    "Quarterly revenue rose {pct}% to {amount} million dollars, the company said in a filing.",
    "The library will close for {days} days next month while the roof is repaired.",
    "A {count}-week course on personal budgeting starts on Monday; registration is free.",
    "The exchange lists a new trading pair today; maker fees are {rate}% for all users.",
    "本行三个月定期存款年利率为{rate}%，存款受国家存款保险制度保护。",
    "{city}地铁{count}号线将于下月开通，全程票价{amount}元。",
    "公司第三季度营收同比增长{pct}%，净利润{amount}万元。",
    "图书馆将于下月闭馆{days}天进行屋顶维修。",
    "本周末社区举办免费健康讲座，欢迎居民参加。",
    "Police warn that schemes promising {rate}% a day are fraud and urge victims to report.",
    "警方提醒：承诺日息{rate}%的平台都是骗局，请勿轻信。",
]
CITIES = ["Phnom Penh", "Dubai", "Bangkok", "Kuala Lumpur", "Ningbo", "Xi'an", "Istanbul", "Manila"]
CITIES_ZH = ["金边", "迪拜", "曼谷", "吉隆坡", "宁波", "西安", "伊斯坦布尔", "马尼拉"]
_TRADITIONAL = str.maketrans("币资产稳妥数据会员级别国际奖励团队组织费用开户产出价格电运维实拍"
                             "收益图请看养项目扶持银监绝对发放满东时间题务单佣金载钟开",
                             "幣資產穩妥數據會員級別國際獎勵團隊組織費用開戶產出價格電運維實拍"
                             "收益圖請看養項目扶持銀監絕對發放滿東時間題務單傭金載鐘開")
_FULLWIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")


@dataclass(frozen=True)
class Item:
    """One generated text and the template it came from (``100 +`` n: ordinary line n)."""

    text: str
    template: int


def _fill(sentences: list[str], rng: random.Random, zh: bool) -> str:
    rate = rng.choice([0.8, 1, 1.2, 1.5, 2, 2.5, 3, 3.5, 5])
    values = {
        "name": rng.choice(NAMES_ZH if zh else NAMES) + rng.choice(["", " Pro", " 2.0", "X"]),
        "amount": rng.choice([50, 100, 200, 300, 500, 1000, 5000]),
        "rate": rate, "rate2": round(rate * rng.choice([1.5, 2, 3]), 1),
        "pct": rng.choice([5, 8, 10, 12, 15, 20]), "days": rng.choice([30, 60, 90, 120, 180, 365]),
        "levels": rng.choice([5, 7, 9, 10, 12]), "mult": rng.choice([2, 3, 5]),
        "count": rng.choice([3, 10, 20, 30, 50]), "year": rng.choice([2023, 2024, 2025, 2026]),
        "city": rng.choice(CITIES_ZH if zh else CITIES),
        "domain": (f"{rng.choice(['www.', '', 'app.'])}"
                   f"{rng.choice(NAMES).lower()}{rng.randint(1, 99)}.{rng.choice(TLDS)}"),
    }
    chosen = list(sentences)
    if len(chosen) > 4 and rng.random() < 0.4:  # one sentence left out
        chosen.pop(rng.randrange(1, len(chosen)))
    if len(chosen) > 2 and rng.random() < 0.5:  # two later sentences swapped
        i, j = sorted(rng.sample(range(1, len(chosen)), 2))
        chosen[i], chosen[j] = chosen[j], chosen[i]
    greeting = rng.choice(GREETINGS_ZH if zh else GREETINGS)
    text = greeting + "".join(s.format(**values) + ("" if zh else " ") for s in chosen).strip()
    if zh and rng.random() < 0.25:
        text = text.translate(_TRADITIONAL)
    if rng.random() < 0.2:
        text = text.translate(_FULLWIDTH)
    return text


def build_set(copies: int = 12, ordinary: int = 60, seed: int = 7) -> list[Item]:
    """``copies`` clones of each of the 18 templates plus ``ordinary`` ordinary texts, shuffled."""
    rng = random.Random(seed)
    templates = [(t, False) for t in TEMPLATES_EN] + [(t, True) for t in TEMPLATES_ZH]
    items = [Item(_fill(sentences, rng, zh), number)
             for number, (sentences, zh) in enumerate(templates) for _ in range(copies)]
    for _ in range(ordinary):  # one-line templates: copies differ only in their numbers
        number = rng.randrange(len(ORDINARY))
        line = ORDINARY[number]
        items.append(Item(_fill([line], rng, any("\u4e00" <= c <= "\u9fff" for c in line)),
                          100 + number))
    rng.shuffle(items)
    return items


def pair_scores(truth: list[int], predicted: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against the templates.

    A pair is *true* when both texts come from one template, *predicted* when both carry the
    same non-empty cluster id.
    """
    from collections import Counter

    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    true_pairs = pairs(Counter(truth))
    predicted_pairs = pairs(Counter(p for p in predicted if p))
    both = pairs(Counter((t, p) for t, p in zip(truth, predicted, strict=True) if p))
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    return precision, recall
