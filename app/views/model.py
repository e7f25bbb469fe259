"""Model page, short: headline figures, what each band means on held-out data, the voice
classifier's accuracy, and the full report and catalogue one click away."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st
from triage import render
from triage.i18n import t
from triage.ui import band_meaning, lang, model_dir

from ponzidetect.display import format_probability

HEADLINE = ("roc_auc", "pr_auc", "precision", "recall")
ui = lang()


@st.cache_data(show_spinner=False, ttl=60)
def model_files(directory: str) -> tuple[str, dict]:
    folder = Path(directory)
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return card, meta


def card_parts(card: str) -> tuple[str, str]:
    """(English, Chinese) halves of the model card (split at its ``---`` rule)."""
    english, _, chinese = card.partition("\n---\n")
    return english.strip(), chinese.strip()


def band_table(meta: dict) -> pd.DataFrame:
    """One row per band: where it starts and what it has meant on held-out data."""
    thresholds = meta.get("thresholds") or {}
    starts = {"high": thresholds.get("high"), "medium": thresholds.get("medium"), "low": 0.0}
    rows = []
    for band in ("high", "medium", "low"):
        start = starts.get(band)
        rows.append({t("risk", ui): render.risk_label(band, ui),
                     t("band_from", ui): "—" if start is None else (
                         "0%" if band == "low" else format_probability(start)),
                     t("band_means", ui): band_meaning(band, ui) or t("band_unmeasured", ui)})
    return pd.DataFrame(rows)


st.header(t("page_model", ui))
st.caption(t("model_intro", ui))
try:
    card, meta = model_files(str(model_dir()))
except (OSError, ValueError) as error:
    st.error(t("err_model", ui, error=error))
    st.stop()

overall = (meta.get("cv") or {}).get("overall") or {}
st.subheader(t("metrics_heading", ui))
st.caption(t("metrics_caption", ui, n=int(overall.get("n") or 0),
             positives=int(overall.get("positives") or 0)))
cols = st.columns(len(HEADLINE))
for col, metric in zip(cols, HEADLINE, strict=True):
    value = overall.get(metric)
    col.metric(t(f"metric_{metric}", ui), "—" if value is None else f"{value:.3f}",
               help=t(f"metric_{metric}_help", ui))

st.subheader(t("bands_heading", ui))
st.dataframe(band_table(meta), hide_index=True, width="stretch", key="model_bands")
measured = meta.get("band_precision") or {}
if measured.get("command"):
    st.caption(t("bands_command", ui, command=measured["command"]))

kinds = ((meta.get("text_kind") or {}).get("cv") or {}).get("by_kind") or {}
if kinds:
    st.subheader(t("kinds_heading", ui))
    st.caption(t("kinds_caption", ui))
    st.dataframe(pd.DataFrame([{t("text_kind", ui): render.kind_label(kind, ui),
                                t("col_count", ui): values.get("n"),
                                t("kind_accuracy", ui): "—" if values.get("accuracy") is None
                                else format_probability(values["accuracy"])}
                               for kind, values in kinds.items()]),
                 hide_index=True, width="stretch", key="model_kinds")

st.subheader(t("full_report_heading", ui))
st.markdown(t("full_report", ui, name=meta.get("name", "model"),
              sha=str(meta.get("booster_sha256", ""))[:12]))
st.download_button(t("download_card", ui), card.encode("utf-8"), "MODEL_CARD.md",
                   "text/markdown", key="model_dl_card", on_click="ignore", icon="📄")
english, chinese = card_parts(card)
main, other = (chinese, english) if ui == "zh" and chinese else (english, chinese)
with st.expander(t("card_heading", ui)):
    st.markdown(main)
if other:
    with st.expander(t("card_other", ui)):
        st.markdown(other)

catalogue = render.catalogue_table(ui)
with st.expander(t("catalogue_heading", ui, n=len(catalogue))):
    st.dataframe(catalogue, hide_index=True, width="stretch", key="catalogue")
