"""Render the bilingual model card (``MODEL_CARD.md``) from a model's metadata."""

from __future__ import annotations

from typing import Any

_METRICS = ("n", "positives", "roc_auc", "pr_auc", "f1", "precision", "recall", "fpr",
            "precision_at_90_recall", "ece")


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def metrics_table(rows: dict[str, dict[str, Any]]) -> str:
    """A Markdown table: one row per slice, one column per metric."""
    lines = ["| slice | " + " | ".join(_METRICS) + " |",
             "|---|" + "---|" * len(_METRICS)]
    for name, metrics in rows.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(metrics.get(m)) for m in _METRICS) + " |")
    return "\n".join(lines)


def render_model_card(meta: dict[str, Any]) -> str:
    """The model card text, English then Chinese."""
    data = meta.get("training_data", {})
    thresholds = meta.get("thresholds", {})
    cv = meta.get("cv", {})
    cv_rows = {"all (out-of-fold)": cv.get("overall", {})}
    cv_rows.update({f"lang={k}": v for k, v in cv.get("by_lang", {}).items()})
    evaluation = meta.get("evaluation")
    eval_section = ""
    if evaluation:
        eval_section = (
            "\n## Evaluation (out-of-fold cross-validation or a held-out set: see the mode)\n\n"
            f"Command: `{evaluation.get('command', '')}`\n\n"
            + evaluation.get("markdown", "") + "\n"
        )
    return f"""# Model card: {meta.get('name', 'model')}

## Intended use
Triage aid for investigators (police economic-crime units, regulators, exchange compliance,
journalists): ranks crypto project texts (web pages, whitepapers, chat and social posts,
complaints; English and Chinese) by how much they look like a Ponzi, pyramid or HYIP offer, and
shows the red flags and evidence behind the score. **The score is an automated triage aid, not a
verdict**: a high score means "read this first", never "this is a crime".

## Model
Red-flag features from the catalogue ({len(meta.get('flag_ids', []))} flags, versions recorded in
`meta.json`) feed a LightGBM classifier (native text booster, no pickle); raw scores are Platt
calibrated on out-of-fold predictions. Decision threshold (start of the **high** band):
{_fmt(thresholds.get('high'))}; **medium** band from {_fmt(thresholds.get('medium'))}.
Seed {meta.get('seed')}; libraries: {', '.join(f'{k} {v}' for k, v in meta.get('libraries', {}).items())}.

## Training data
{data.get('rows')} texts ({data.get('positives')} positive) in {data.get('groups')} scheme or
project families, files: {', '.join(data.get('files', []))}; languages:
{', '.join(f'{k}: {v}' for k, v in data.get('languages', {}).items())}. Fingerprint
`{str(data.get('fingerprint', ''))[:16]}`. Cross-validation is grouped by family, so no family is
in both the training and the test fold.

## Out-of-fold metrics on the training corpus
{metrics_table(cv_rows)}
{eval_section}
## Limits
- The corpus is written by the team; real texts differ. Check the real-data evaluation above.
- News reports and court documents about a scheme describe its offer and can score high; the
  `reporting_frame` and `warning_frame` flags say when a text reports or warns rather than pitches.
- Novel schemes without the catalogued red flags, images, and languages other than English and
  Chinese are out of scope. Very long texts (whitepapers) can accumulate weak cues.
- The character n-gram text channel carries most of the weight. A text worded like the corpus's
  warnings or ordinary texts can score low although several red flags fire, and one-line texts
  are scored less reliably than paragraphs: read the red flags and their evidence, not only the
  score.

---

# 模型说明（中文）

## 用途
本模型用于辅助调查人员（经侦、监管、交易所合规、记者）对加密货币项目文本进行初筛：按照文本与
庞氏骗局、传销或高收益投资计划（HYIP）的相似程度排序，并列出触发的风险信号及原文证据。
**分数只是自动化初筛工具，不是定性结论**：高分表示“优先阅读”，不表示“已构成犯罪”。

## 模型
基于风险信号目录（{len(meta.get('flag_ids', []))} 个信号）提取特征，使用 LightGBM 分类器（原生文本格式，
不使用 pickle），并用交叉验证的样本外预测做 Platt 校准。高风险阈值：{_fmt(thresholds.get('high'))}；
中风险下限：{_fmt(thresholds.get('medium'))}。随机种子 {meta.get('seed')}。

## 训练数据
共 {data.get('rows')} 条文本（正例 {data.get('positives')} 条），{data.get('groups')} 个项目族；
交叉验证按项目族分组，同一族不会同时出现在训练和测试中。

## 局限
- 训练语料由团队编写，与真实文本存在差异，请参考上文真实数据评估结果。
- 报道或判决书描述骗局内容，分数可能较高；`reporting_frame`、`warning_frame` 信号用于区分报道、
  警示与推广。
- 不含目录中风险信号的新型骗局、图片内容以及中英文以外的语言不在适用范围内。
- 字符 n-gram 文本通道占模型权重的大部分：措辞接近语料中警示文或普通文本的文本，即使触发了多个
  风险信号也可能得分偏低；单句短文本的分数不如段落可靠。请同时阅读风险信号及其原文证据，而不只看分数。
"""
