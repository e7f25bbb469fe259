"""Short texts with numbers: how many ordinary ones a model flags, how many pitches it catches.

Usage: ``.venv/bin/python bench/short_probe.py [MODEL_DIR ...]`` (default: the shipped model)

Seventy one-line texts written by the team (English and Chinese) that are in no training file: 40
ordinary texts with a percentage or an amount (market moves, discounts, rates, bonuses, fees) and
30 one-line scheme pitches. Prints, per model, the ROC-AUC over the 70 and how many of each side
land in the **high** band. A probe, not a test set: it is small, and it was written by the same
team after it saw the model flag "The S&P 500 rose 1.2% on Friday." as a scheme.
"""

from __future__ import annotations

import sys

from sklearn.metrics import roc_auc_score

import ponzidetect

NEG = [
    "The S&P 500 rose 1.2% on Friday.",
    "Bitcoin rose 12% this week after ETF inflows.",
    "Ethereum fell 5% on Tuesday.",
    "BTC up 8% today, LFG!",
    "Solana gained 20% this month.",
    "Get 20% off your first order with code WELCOME.",
    "The central bank raised rates by 0.25% to 5.5%.",
    "Our employees get a 10% bonus every quarter.",
    "Earn 5% cashback on groceries with our credit card.",
    "Refer a friend and you both get $10 when they open an account.",
    "Our revenue grew 35% year over year in Q3.",
    "Tesla shares jumped 9% after earnings.",
    "Inflation is running at 3% a year.",
    "Gold hit a record high, up 3% for the week.",
    "Dogecoin spiked 30% in an hour after the tweet.",
    "Mortgage rates fell to 6.1% this week.",
    "Save 15% when you subscribe monthly.",
    "The fund charges a 0.2% annual fee.",
    "Sales commission: 5% of each closed deal, paid monthly.",
    "Our DEX charges 0.3% per swap, paid to liquidity providers.",
    "双十一全场5折，满300减50。",
    "本月CPI同比上涨0.4%。",
    "黄金价格本周上涨3%，创历史新高。",
    "比特币本周上涨12%。",
    "招商银行信用卡，消费满1000返现5%。",
    "新用户注册即送20元红包，邀请好友再得10元。",
    "上证指数今日收涨1.2%，成交额超万亿。",
    "以太坊24小时跌幅达8%，市场情绪转弱。",
    "公司第三季度营收同比增长35%。",
    "央行下调存款准备金率0.25个百分点。",
    "会员每月可享9折优惠。",
    "销售提成按成交额的5%计算，每月发放。",
    "某币一小时内暴涨30%，随后回落。",
    "房贷利率本周降至3.5%。",
    "本基金管理费率为每年0.5%。",
    "员工每季度可获得10%的绩效奖金。",
    "Staking rewards are about 4% a year and can change.",
    "Our savings account pays 4.5% APY; rates may change.",
    "该理财产品业绩比较基准为年化2.8%，不代表实际收益。",
    "质押年化约5%，随网络参与度浮动，存在罚没风险。",
]
POS = [
    "Deposit any amount and earn 3% every day. Withdraw anytime. Refer friends for 10% of their deposit.",
    "Put in 1 BNB, the contract sends you 2 BNB back within 20 days, paid from new deposits.",
    "Daily ROI 2.5% for 120 days. Level 1 8%, level 2 4%, level 3 2%.",
    "Our trading bot pays 1% daily, guaranteed. Minimum deposit $100.",
    "Buy a miner for 100 USDT, it produces 5 USDT per day for 60 days.",
    "Earn 40% a month with our forex robot. Principal is safe. Invite friends for bonuses.",
    "The coin price is set by the platform and rises every day. It only goes up.",
    "Invest $1,000 and get $3,000 back in 90 days.",
    "Each new member pays 0.05 ETH; the money goes straight to the members above them.",
    "Join now, get a 5% daily return, and earn from three levels of referrals.",
    "Package prices: $100, $500, $1,000. Each package pays 1.2% daily until you reach 250%.",
    "Withdrawals are processed once a week, max $500, with a 10% fee.",
    "We guarantee 20% monthly returns with zero risk, backed by the government.",
    "Send 0.1 ETH to the contract and get 0.12 ETH back tomorrow.",
    "每天收益2%，推荐一人拿10%，三代以内都有奖。",
    "投资1万，100天返3万。",
    "静态收益日化1.5%，动态收益直推10%。",
    "矿机500元一台，每天产币10元，两个月回本。",
    "平台币价只涨不跌，每天上涨1%，由平台定价。",
    "最低入金100U，日息2%，三倍出局。",
    "保本保息，月息10%，到期还本。",
    "缴纳一万元成为会员，发展两个下线即可回本。",
    "一星到五星共五个等级，每升一级多拿5%团队奖。",
    "提现每周一次，每次不超过500元，手续费10%。",
    "加入即送体验金，每日签到领收益，邀请好友收益翻倍。",
    "政府背书项目，国家支持，稳赚不赔，年化收益120%。",
    "新人投入的钱用于给老会员发放收益，早进早赚。",
    "我们在金边、西安、宁波举办推介会，现场认购享优惠。",
    "DBTC现价3元，由公司定价，明年涨到30元。",
    "每进来一个新人，排在前面的会员就能出局拿走两倍本金。",
]


def main(model_dirs: list[str]) -> None:
    """Print the probe figures for each model directory (``None``: the shipped default)."""
    labels = [1] * len(POS) + [0] * len(NEG)
    for model_dir in model_dirs or [None]:
        model = ponzidetect.load_model(model_dir)
        probs = model.predict_proba(POS + NEG)
        high = probs >= model.thresholds.high
        false_alarms = int(sum(h for h, y in zip(high, labels, strict=True) if y == 0))
        caught = int(sum(h for h, y in zip(high, labels, strict=True) if y == 1))
        print(f"{model_dir or 'models/default'}: ROC-AUC {roc_auc_score(labels, probs):.3f}; "
              f"ordinary texts flagged high {false_alarms}/{len(NEG)}; "
              f"pitches flagged high {caught}/{len(POS)}")
        for text, prob, flagged, label in zip(POS + NEG, probs, high, labels, strict=True):
            if bool(flagged) != bool(label):
                print(f"  {'missed' if label else 'false alarm'} {prob:.3f}  {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
