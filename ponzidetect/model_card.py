"""Render the bilingual model card (``MODEL_CARD.md``) from a model's metadata."""

from __future__ import annotations

from typing import Any

_METRICS = ("n", "positives", "roc_auc", "pr_auc", "f1", "precision", "recall", "fpr",
            "precision_at_90_recall", "ece")
_KINDS = ("promotion", "case_account", "warning", "documentation", "other")


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value:.0%}"


def metrics_table(rows: dict[str, dict[str, Any]]) -> str:
    """A Markdown table: one row per slice, one column per metric."""
    lines = ["| slice | " + " | ".join(_METRICS) + " |",
             "|---|" + "---|" * len(_METRICS)]
    for name, metrics in rows.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(metrics.get(m)) for m in _METRICS) + " |")
    return "\n".join(lines)


def kind_table(report: dict[str, Any]) -> str:
    """Accuracy of the voice classifier per kind, overall and per language."""
    by_lang = report.get("by_lang", {})
    langs = [lang for lang in ("en", "zh", "mixed") if lang in by_lang]
    lines = ["| kind | all | " + " | ".join(langs) + " |", "|---|---|" + "---|" * len(langs)]
    for kind in _KINDS:
        overall = report.get("by_kind", {}).get(kind, {})
        cells = [f"{_fmt(overall.get('accuracy'))} ({overall.get('n', 0)})"]
        for lang in langs:
            found = by_lang[lang].get(kind, {})
            cells.append(f"{_fmt(found.get('accuracy'))} ({found.get('n', 0)})")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def band_sentences(meta: dict[str, Any]) -> tuple[str, str]:
    """What the high and medium bands meant on held-out sources, in English and Chinese."""
    bands = meta.get("band_precision") or {}
    high, medium = bands.get("high") or {}, bands.get("medium") or {}
    if not high:
        return ("Band precision on held-out sources: not measured yet (run `ponzidetect evaluate "
                "--by-source ... --update-card`).", "尚未在留出来源上测量各风险档的精确率。")
    english = (f"Measured leave-one-source-out ({bands.get('command', 'ponzidetect evaluate --by-source')}): "
               f"**{_pct(high.get('precision'))} of the texts in the high band were schemes** "
               f"({high.get('n')} texts); {_pct(medium.get('precision'))} of those in the medium "
               f"band ({medium.get('n')} texts); {_pct((bands.get('low') or {}).get('precision'))} "
               f"of those in the low band.")
    chinese = (f"留出来源评估中：**高风险档 {_pct(high.get('precision'))} 确为资金盘/传销类**"
               f"（{high.get('n')} 篇），中风险档 {_pct(medium.get('precision'))}（{medium.get('n')} 篇），"
               f"低风险档 {_pct((bands.get('low') or {}).get('precision'))}。")
    return english, chinese


def render_model_card(meta: dict[str, Any]) -> str:
    """The model card text, English then Chinese."""
    data = meta.get("training_data", {})
    thresholds = meta.get("thresholds", {})
    combiner = meta.get("combiner", {})
    weights = meta.get("weights", {})
    gain = weights.get("gain", {})
    cv = meta.get("cv", {})
    cv_rows = {"all (out-of-fold)": cv.get("overall", {})}
    cv_rows.update({f"lang={k}": v for k, v in cv.get("by_lang", {}).items()})
    kind = meta.get("text_kind", {}).get("cv")
    kind_section = (f"\n## Voice (text kind)\nGrouped 5-fold cross-validated accuracy (share of each kind "
                    f"read correctly; rows in brackets):\n\n{kind_table(kind)}\n") if kind else ""
    evaluation = meta.get("evaluation")
    eval_section = ""
    if evaluation:
        eval_section = (
            "\n## Evaluation\n\n"
            f"Command: `{evaluation.get('command', '')}`\n\n"
            + evaluation.get("markdown", "") + "\n"
        )
    bound = combiner.get("wording_weight")
    band_en, band_zh = band_sentences(meta)
    cap = None
    if thresholds.get("high") is not None and thresholds.get("medium") is not None:
        cap = thresholds["medium"] + 0.5 * (thresholds["high"] - thresholds["medium"])
    return f"""# Model card: {meta.get('name', 'model')}

## Intended use
Triage aid for investigators (police economic-crime units, regulators, exchange compliance,
journalists): ranks crypto texts (web pages, whitepapers, chat and social posts, complaints,
court and enforcement texts, news; English and Chinese) by how much they promote or describe the
offer of a Ponzi, pyramid or HYIP scheme, shows the red flags and evidence behind the score, and
says in which voice the text is written (promotion, case account, warning, documentation, other).
**The score is an automated triage aid, not a verdict**: a high score means "read this first",
never "this is a crime".

## Model
Evidence first. A LightGBM booster (native text format, no pickle) reads only the catalogue's
evidence ({len(meta.get('flag_ids', []))} flags, versions in `meta.json`): red-flag features are
monotone upward, context cues (reporting, warning, disclaimer, call to action) monotone downward,
plus language and length. The wording channel (character n-gram TF-IDF + logistic regression)
adds at most ±{_fmt(bound)} log-odds, and its n-grams are shown with their spans. A logistic
combiner fit on out-of-fold scores calibrates the sum. **No evidence, no high**: a text on which
no red flag fired is capped at {_fmt(cap)} (inside the medium band).
High band from {_fmt(thresholds.get('high'))}, medium from {_fmt(thresholds.get('medium'))}.
Share of the booster's split gain: red-flag evidence {_pct(gain.get('red_flags'))}, context cues
{_pct(gain.get('context'))}, length and language {_pct(gain.get('length_language'))}; the
wording channel's share of the score's movement out of fold:
{_pct(weights.get('wording_share_of_movement'))}.
Seed {meta.get('seed')}; libraries: {', '.join(f'{k} {v}' for k, v in meta.get('libraries', {}).items())}.

## What the bands mean
{band_en}

## Training data
{data.get('rows')} texts ({data.get('positives')} positive) in {data.get('groups')} scheme or
project families, files: {', '.join(data.get('files', []))}; languages:
{', '.join(f'{k}: {v}' for k, v in data.get('languages', {}).items())}. Fingerprint
`{str(data.get('fingerprint', ''))[:16]}`. Cross-validation is grouped by family, so no family is
in both the training and the test fold.

## Out-of-fold metrics on the training data (in-distribution: flatters)
{metrics_table(cv_rows)}
{kind_section}{eval_section}
## Limits
- The corpus is written by the team; real texts differ. Leave-one-source-out figures (README)
  are the honest estimate; in-distribution cross-validation flatters.
- Case accounts (news, court, police) that describe a scheme's offer are positive by design:
  read `text_kind` to tell them from live promotions.
- Schemes whose mechanics the catalogue does not know stay below the high band (no evidence, no
  high); images and languages other than English and Chinese are out of scope.
- Other frauds (phishing, pig-butchering without an offer, pump-and-dump, task scams) are not
  Ponzi offers and should score low; a text mixing them with a fixed-return offer scores high.

---

# 模型说明（中文）

## 用途
辅助调查人员（经侦、监管、交易所合规、记者）对加密货币相关文本（网页、白皮书、聊天与社交帖子、投诉、
判决与通报、新闻；中英文）进行初筛：按文本推广或描述庞氏、传销、高收益投资计划（HYIP）的程度排序，列出
风险信号及原文证据，并判断文本的类型（推广、案件叙述、风险警示、产品文档、其他）。
**分数只是自动化初筛辅助，不是定性结论**：高分表示“优先阅读”，不表示“已构成犯罪”。

## 模型
证据优先：LightGBM 只读取风险信号目录（{len(meta.get('flag_ids', []))} 个信号）提取的证据特征，风险信号单调
递增，语境信号（报道、警示、免责声明、行动号召）单调递减；字符 n-gram 措辞通道最多增减 ±{_fmt(bound)}
对数几率，并展示起作用的 n-gram 及其原文位置；逻辑回归组合器在样本外分数上完成校准。
**没有证据就没有高风险**：未触发任何风险信号的文本最高只到 {_fmt(cap)}（中风险档内）。
高风险阈值 {_fmt(thresholds.get('high'))}，中风险下限 {_fmt(thresholds.get('medium'))}。

## 各风险档的含义
{band_zh}

## 训练数据
共 {data.get('rows')} 条文本（正例 {data.get('positives')} 条），{data.get('groups')} 个项目族；
交叉验证按项目族分组，同一族不会同时出现在训练和测试中。

## 局限
- 训练语料由团队编写，与真实文本存在差异；以留出来源评估（见 README）为准，同分布交叉验证偏乐观。
- 描述骗局内容的新闻、判决书、通报按定义属于正例，请结合“文本类型”区分报道与推广。
- 目录未覆盖机制的新型骗局不会进入高风险档；图片内容及中英文以外的语言不在适用范围内。
- 钓鱼、杀猪盘（未提出投资回报承诺）、拉盘砸盘、刷单等属于其他类型诈骗，不应判为资金盘。
"""
