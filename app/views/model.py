"""Model page: the model card, key metrics from meta.json, and the red-flag catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st
from triage import render
from triage.i18n import t
from triage.ui import lang, model_dir

METRICS = ("roc_auc", "pr_auc", "precision", "recall", "f1", "fpr", "ece")
METRIC_NAMES = {"roc_auc": "ROC AUC", "pr_auc": "PR AUC", "precision": "Precision",
                "recall": "Recall", "f1": "F1", "fpr": "FPR", "ece": "ECE"}
ui = lang()


@st.cache_data(show_spinner=False, ttl=60)
def model_files(directory: str) -> tuple[str, dict]:
    folder = Path(directory)
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return card, meta


def metric_table(slices: dict) -> pd.DataFrame:
    """One row per slice with n, positives and the key metrics."""
    rows = [{"slice": name, "n": values.get("n"), "positives": values.get("positives"),
             **{METRIC_NAMES[m]: values.get(m) for m in METRICS}}
            for name, values in slices.items()]
    return pd.DataFrame(rows)


def card_parts(card: str) -> tuple[str, str]:
    """(English, Chinese) halves of the model card (split at its ``---`` rule)."""
    english, _, chinese = card.partition("\n---\n")
    return english.strip(), chinese.strip()


st.header(t("page_model", ui))
st.caption(t("model_intro", ui))
st.caption(f"`{model_dir()}`")
try:
    card, meta = model_files(str(model_dir()))
except (OSError, ValueError) as error:
    st.error(t("err_model", ui, error=error))
    st.stop()

st.subheader(t("metrics_heading", ui))
cv = meta.get("cv") or {}
overall = cv.get("overall") or {}
cols = st.columns(len(METRICS))
for col, metric in zip(cols, METRICS, strict=True):
    value = overall.get(metric)
    col.metric(METRIC_NAMES[metric], "—" if value is None else f"{value:.3f}")
thresholds = meta.get("thresholds") or {}
if thresholds:
    st.caption(t("thresholds", ui, high=thresholds.get("high", 0.0),
                 medium=thresholds.get("medium", 0.0)))
for what in ("by_lang", "by_file", "by_genre"):
    if cv.get(what):
        with st.expander(t("metrics_by", ui, what=t(what, ui))):
            st.dataframe(metric_table(cv[what]), hide_index=True, width="stretch")

st.subheader(t("evaluation_heading", ui))
evaluation = meta.get("evaluation")
if evaluation:
    st.json(evaluation, expanded=False)
else:
    st.caption(t("no_evaluation", ui))

st.subheader(t("card_heading", ui))
english, chinese = card_parts(card)
main, other = (chinese, english) if ui == "zh" and chinese else (english, chinese)
with st.container(border=True):
    st.markdown(main)
if other:
    with st.expander(t("card_other", ui)):
        st.markdown(other)

catalogue = render.catalogue_table(ui)
st.subheader(t("catalogue_heading", ui, n=len(catalogue)))
st.dataframe(catalogue, hide_index=True, width="stretch", key="catalogue")
