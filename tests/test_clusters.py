"""Scheme clusters: near-duplicate pitches group, different pitches stay apart."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ponzidetect.clusters import cluster_texts, shingles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from cluster_set import build_set, pair_scores

PITCH = ("AlphaNode is the smartest way to grow your crypto in 2025. Deposit from 100 USDT and "
         "receive 1.5% every day for 90 days. Your principal is returned in full at the end. "
         "Invite friends and earn 10% of every deposit they make. Register at alphanode.io now.")
CLONE = ("Dear investors, BetaYield is the smartest way to grow your crypto in 2026. Deposit "
         "from 500 USDT and receive 3% every day for 60 days. Invite friends and earn 8% of "
         "every deposit they make. Your principal is returned in full at the end. Register at "
         "www.betayield7.net now.")
OTHER_DAILY = ("Our AI robot never sleeps: it trades on 30 exchanges and adds 2% to your balance "
               "daily. Start with 50 USDT and upgrade to VIP for higher rates.")
ZH = ("金元宝链是2025年最稳妥的数字资产增值平台。投资1000元起，每天返还2%，连续90天。"
      "到期本金全额退还，保本保息。")
ZH_TRAD_FULLWIDTH = ("恒通寶是２０２６年最穩妥的數字資產增值平台。投資５００元起，每天返還３％，"
                     "連續６０天。到期本金全額退還，保本保息。")
ZH_OTHER = "星辰算力云矿机正式上线，每台矿机售价3000元，每天产出价格的1%，矿场位于宁波。"
BANK = "The central bank left its policy rate unchanged at 4.5% on Thursday, citing stable prices."


@pytest.mark.parametrize(("texts", "same", "apart"), [
    pytest.param([PITCH, CLONE], [(0, 1)], [], id="en-clone-new-name-amounts-domain-order"),
    pytest.param([ZH, ZH_TRAD_FULLWIDTH], [(0, 1)], [], id="zh-clone-traditional-fullwidth"),
    pytest.param([PITCH, OTHER_DAILY], [], [(0, 1)], id="same-scheme-type-other-pitch"),
    pytest.param([ZH, ZH_OTHER], [], [(0, 1)], id="zh-other-pitch"),
    pytest.param([PITCH, BANK, CLONE], [(0, 2)], [(0, 1), (1, 2)], id="bank-text-stays-out"),
    pytest.param([PITCH, ZH], [], [(0, 1)], id="english-vs-chinese"),
])
def test_cluster_membership(texts, same, apart):
    clusters = cluster_texts(texts)
    for a, b in same:
        assert clusters.ids[a] and clusters.ids[a] == clusters.ids[b]
    for a, b in apart:
        assert not clusters.ids[a] or clusters.ids[a] != clusters.ids[b]


def test_non_text_and_empty_cells_are_in_no_cluster():
    clusters = cluster_texts([None, "", "   ", 3.5, PITCH, CLONE])
    assert clusters.ids == ("", "", "", "", "C1", "C1")
    assert clusters.sizes == (0, 0, 0, 0, 2, 2)
    assert clusters.groups == ((4, 5),)
    assert clusters.to_columns() == {"cluster": list(clusters.ids),
                                     "cluster_size": list(clusters.sizes)}


def test_largest_cluster_is_c1_and_representative_is_a_member():
    texts = [BANK, ZH, PITCH, CLONE, ZH_TRAD_FULLWIDTH, PITCH.replace("AlphaNode", "GammaNode")]
    clusters = cluster_texts(texts)
    assert clusters.ids[2] == "C1" and clusters.sizes[2] == 3
    assert clusters.ids[1] == "C2" and clusters.ids[0] == ""
    for group, representative in zip(clusters.groups, clusters.representatives, strict=True):
        assert representative in group


def test_clusters_are_deterministic():
    items = build_set(copies=4, ordinary=10, seed=5)
    texts = [i.text for i in items]
    assert cluster_texts(texts) == cluster_texts(texts)


@pytest.mark.parametrize(("text", "expected"), [
    ("３% DAILY returns now", {"0 daily returns", "daily returns now"}),
    ("visit https://alpha.io/x?y=1 or beta.net now", {"visit or now"}),
    ("保本保息，日息２％", {"保 本 保", "本 保 息", "保 息 日", "息 日 息", "日 息 0"}),
    ("保證收益，日息２％", {"保 证 收", "证 收 益", "收 益 日", "益 日 息", "日 息 0"}),
    ("", set()),
    ("just two", {"just two"}),
])
def test_shingles_read_the_normalised_text(text, expected):
    assert shingles(text) == {s.encode() for s in expected}


def test_templated_set_precision_and_recall():
    items = build_set(copies=10, ordinary=40, seed=11)
    clusters = cluster_texts([i.text for i in items])
    precision, recall = pair_scores([i.template for i in items], list(clusters.ids))
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


@pytest.mark.parametrize("pattern", ["_LINK", "_DIGITS", "_TOKEN"])
def test_cluster_patterns_are_provably_linear(pattern):
    import ponzidetect.clusters as clusters
    from ponzidetect.regex_safety import check_pattern

    check_pattern(getattr(clusters, pattern).pattern)
