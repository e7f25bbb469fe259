"""Model: a tiny seeded model trained at test time; save/load, contributions, schema checks."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from ponzidetect import Detector, ModelError, load_model, train_model
from ponzidetect.dataset import DatasetError, load_labelled
from ponzidetect.model import TrainConfig

POSITIVE = [
    "Guaranteed 2% daily returns, paid from new members' deposits.",
    "Earn 10% of your referrals' deposits, 5 levels deep. Join now!",
    "保本保息，日息百分之一，推荐一人拿百分之十。",
    "Double your BNB in 30 days. Hire miners and compound.",
    "币价只涨不跌，固定价格每枚3元，团队分为十个等级。",
    "Fixed token price set by the foundation; only goes up. Starter to Tycoon packages.",
    "AI quant bot pays 1.5% a day, withdrawal fee 10%, must reinvest 50%.",
    "躺赚！拉人头就有动态收益，见点奖拿二十代。",
]
NEGATIVE = [
    "Our savings account pays 2.1% a year; deposits are insured.",
    "Staking rewards are variable and not guaranteed; capital at risk.",
    "三年期定期存款年利率2.35%，受存款保险保障。",
    "Invite a friend and get 20% of their trading fees, one level only.",
    "警方提醒：谨防以高息为诱饵的骗局。",
    "The NFT collection mints on Friday; 10,000 pieces, no roadmap promises.",
    "本产品不保本，过往业绩不代表未来表现。",
    "The museum opens at 9am and closes at 5pm on weekdays.",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    rows = []
    for index, text in enumerate(POSITIVE * 3):
        rows.append({"id": f"p{index}", "text": text, "label": 1, "group": f"gp{index % 8}",
                     "lang": "en"})
    for index, text in enumerate(NEGATIVE * 3):
        rows.append({"id": f"n{index}", "text": text, "label": 0, "group": f"gn{index % 8}",
                     "lang": "en"})
    path = folder / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


CONFIG = TrainConfig(seed=7, folds=4, rounds=40, min_data_in_leaf=2)


@pytest.fixture(scope="module")
def saved_model(corpus, tmp_path_factory):
    model = train_model(load_labelled([corpus]), CONFIG, name="tiny")
    folder = tmp_path_factory.mktemp("model") / "tiny"
    model.save(folder)
    return model, folder


def test_training_is_reproducible(corpus, saved_model, tmp_path) -> None:
    _, folder = saved_model
    again = train_model(load_labelled([corpus]), CONFIG, name="tiny")
    again.save(tmp_path / "tiny")
    assert (tmp_path / "tiny" / "booster.txt").read_text() == (folder / "booster.txt").read_text()
    first = json.loads((folder / "meta.json").read_text())
    second = json.loads((tmp_path / "tiny" / "meta.json").read_text())
    assert first["cv"] == second["cv"]
    assert first["thresholds"] == second["thresholds"]


def test_save_load_gives_identical_predictions(saved_model) -> None:
    model, folder = saved_model
    loaded = load_model(folder)
    texts = POSITIVE + NEGATIVE
    assert np.array_equal(model.predict_proba(texts), loaded.predict_proba(texts))


def test_contributions_sum_to_raw_score(saved_model) -> None:
    _, folder = saved_model
    detector = Detector(folder)
    for text in POSITIVE[:3] + NEGATIVE[:3]:
        assessment = detector.score(text)
        total = (assessment.base_value + assessment.other_contribution
                 + assessment.text_contribution
                 + sum(flag.contribution for flag in assessment.flags))
        assert total == pytest.approx(assessment.raw_score, abs=1e-6)


def test_red_flags_sorted_by_contribution_before_context(saved_model) -> None:
    _, folder = saved_model
    assessment = Detector(folder).score(POSITIVE[0])
    contributions = [flag.contribution for flag in assessment.red_flags]
    assert contributions == sorted(contributions, reverse=True)
    kinds = [flag.kind for flag in assessment.fired]
    assert kinds == sorted(kinds, key=lambda kind: kind != "red_flag")
    assert any(flag.evidence for flag in assessment.fired)
    assert json.dumps(assessment.to_dict())


@pytest.mark.parametrize("text", POSITIVE[:4] + NEGATIVE[:4])
def test_wording_terms_sum_to_the_wording_contribution(saved_model, text: str) -> None:
    _, folder = saved_model
    assessment = Detector(folder).score(text)
    wording = assessment.wording
    assert wording is not None
    total = wording.baseline + sum(term.contribution for term in wording.terms)
    assert total == pytest.approx(assessment.text_contribution, abs=1e-9)
    for term in wording.terms:
        for start, end, span in term.spans:
            assert text[start:end] == span


def test_fast_scoring_agrees_with_explained_scoring(saved_model) -> None:
    _, folder = saved_model
    detector = Detector(folder)
    texts = POSITIVE + NEGATIVE
    fast = detector.score_batch(texts, explain=False)
    full = detector.score_batch(texts)
    assert [a.probability for a in fast] == pytest.approx([a.probability for a in full], abs=1e-9)
    assert [a.risk for a in fast] == [a.risk for a in full]
    assert [{f.flag_id for f in a.red_flags} for a in fast] == \
        [{f.flag_id for f in a.red_flags} for a in full]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda meta: meta["feature_names"].pop(), "feature schema"),
        (lambda meta: meta["flag_versions"].update(guaranteed_returns=99), "flag versions"),
        (lambda meta: meta.update(schema_version=0), "model schema"),
    ],
)
def test_schema_mismatch_raises(saved_model, tmp_path, edit, message: str) -> None:
    _, folder = saved_model
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    meta = json.loads((copy / "meta.json").read_text())
    edit(meta)
    (copy / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=message):
        load_model(copy)


def test_missing_or_tampered_files_raise(saved_model, tmp_path) -> None:
    with pytest.raises(ModelError, match="not a ponzidetect model"):
        load_model(tmp_path)
    _, folder = saved_model
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "booster.txt").write_text((copy / "booster.txt").read_text() + "\n# tampered\n")
    with pytest.raises(ModelError, match="checksum"):
        load_model(copy)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "x"}', "missing label"),
        ('{"label": 1}', "missing text"),
        ('{"text": "", "label": 1}', "non-empty string"),
        ('{"text": "x", "label": 7}', "must be 0 or 1"),
        ("not json", "not valid JSON"),
        ('["a list"]', "expected a JSON object"),
    ],
)
def test_corpus_loader_rejects_bad_rows(tmp_path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine", "label": 0}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=f"bad.jsonl line 2: .*{message}"):
        load_labelled([path])


def test_shipped_model_loads_and_scores() -> None:
    detector = Detector()
    high = detector.score("保本保息，日息百分之二，推荐一人拿百分之十，团队十代收益，名额有限！")
    low = detector.score("三年期定期存款年利率2.35%，受存款保险保障，可提前支取。")
    assert high.probability > low.probability
    assert high.risk == "high" and low.risk == "low"


def test_by_source_evaluation_holds_each_source_out(corpus, tmp_path) -> None:
    from ponzidetect.evaluation import SYSTEMS, evaluate_by_source, report_markdown

    rows = [json.loads(line) for line in corpus.read_text("utf-8").splitlines()]
    for index, row in enumerate(rows):
        row["source"] = "first" if index % 2 else "second"
    path = tmp_path / "sourced.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    data = load_labelled([path])
    result = evaluate_by_source(data, CONFIG)
    assert result["sources"] == {"first": len(rows) // 2, "second": len(rows) // 2}
    for system in SYSTEMS:
        assert {"all", "source=first", "source=second"} == set(result["slices"][system])
        assert result["slices"][system]["all"]["n"] == len(rows)
    assert set(result["bands"]["all"]) == {"high", "medium", "low"}
    assert "held-out source" in report_markdown(result, "ponzidetect evaluate --by-source x")
    assert len(result["predictions"]) == len(rows)


def test_cv_evaluation_reports_model_and_baselines_per_slice(corpus, tmp_path) -> None:
    from ponzidetect.evaluation import SYSTEMS, evaluate_cv, report_markdown, write_report

    data = load_labelled([corpus])
    result = evaluate_cv(data, CONFIG)
    for system in SYSTEMS:
        block = result["slices"][system]
        assert {"all", "file=tiny", "lang=en"} <= set(block)
        overall = block["all"]
        assert overall["tp"] + overall["fn"] == overall["positives"] == len(POSITIVE) * 3
        assert overall["tp"] + overall["fp"] + overall["fn"] + overall["tn"] == overall["n"]
    assert "#### tfidf_logreg" in report_markdown(result, "ponzidetect evaluate --cv x")
    # The per-text table agrees with the slice counts and is written to CSV, not into the JSON.
    rows = result["predictions"]
    assert list(rows["id"]) == list(data.frame["id"])
    model = result["slices"]["model"]["all"]
    assert int((rows["model_flagged"] & (rows["label"] == 1)).sum()) == model["tp"]
    assert int((rows["model_flagged"] & (rows["label"] == 0)).sum()) == model["fp"]
    paths = tmp_path / "r.json", tmp_path / "r.md", tmp_path / "rows.csv"
    write_report(result, "x", *paths)
    assert "predictions" not in json.loads(paths[0].read_text("utf-8"))
    assert len(pd.read_csv(paths[2])) == len(data.frame)
    # ids and groups come from the user's files: a formula-looking one is escaped in the CSV
    result["predictions"].loc[0, "id"] = "=HYPERLINK(\"http://x\")"
    write_report(result, "x", None, None, paths[2])
    assert pd.read_csv(paths[2])["id"][0] == "'=HYPERLINK(\"http://x\")"
