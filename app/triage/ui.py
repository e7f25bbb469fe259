"""Streamlit pieces shared by the pages: the cached detector, the UI language, the result view."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import altair as alt
import streamlit as st

import ponzidetect
from ponzidetect.display import format_probability
from ponzidetect.model import default_model_dir

from . import render
from .i18n import LANG_LABELS, LANGS, t

LANG_KEY = "ui_lang"
MODEL_ENV = "PONZIDETECT_MODEL"


def model_dir() -> Path:
    """The model directory: ``$PONZIDETECT_MODEL`` when set, else the shipped default model."""
    chosen = os.environ.get(MODEL_ENV, "").strip()
    return Path(chosen) if chosen else default_model_dir()


@st.cache_resource(show_spinner=False)
def _detector(directory: str) -> ponzidetect.Detector:
    return ponzidetect.Detector(directory)


def get_detector() -> ponzidetect.Detector:
    """The model of :func:`model_dir`, loaded once per server process."""
    return _detector(str(model_dir()))


def detector_or_error(ui: str) -> ponzidetect.Detector | None:
    """The detector, or None after showing why the model cannot be loaded (no traceback)."""
    try:
        return get_detector()
    except (ponzidetect.ModelError, ponzidetect.CatalogueError, OSError) as error:
        st.error(t("err_model", ui, error=error))
        return None


def band_meaning(band: str, ui: str) -> str:
    """What the band has meant on held-out data for the loaded model ("" when not measured)."""
    if band not in ("low", "medium", "high"):
        return ""
    try:
        return get_detector().band_meaning(band, ui)
    except (ponzidetect.ModelError, ponzidetect.CatalogueError, OSError):
        return ""


def lang() -> str:
    """The UI language chosen in the sidebar (``en`` or ``zh``)."""
    value = st.session_state.get(LANG_KEY, "en")
    return value if value in LANGS else "en"


def language_switch() -> str:
    """The sidebar language switch; returns the chosen language."""
    st.sidebar.radio(t("language", lang()), LANGS, key=LANG_KEY,
                     format_func=LANG_LABELS.__getitem__, horizontal=True)
    return lang()


def show_assessment(text: str, assessment: Mapping, ui: str, key: str = "single",
                    report: tuple[str, str] | None = None) -> None:
    """Band, probability, threshold, language, kind, model version, flags, highlighted text, chart.

    Parameters
    ----------
    text : str
        The original text (evidence offsets point into it).
    assessment : dict
        ``Assessment.to_dict()`` or a batch row's ``assessment``.
    ui : str
        UI language.
    key : str
        Prefix for element keys, so two views on one page do not clash.
    report : (str, str), optional
        The case report's HTML and file name, offered as a download under the verdict.
    """
    probability = float(assessment["probability"])
    st.markdown(render.risk_badge_html(assessment["risk"], probability, ui),
                unsafe_allow_html=True)
    st.markdown(render.summary_line(assessment, ui))
    meaning = band_meaning(assessment.get("risk", ""), ui)
    if meaning:
        st.caption(meaning)
    if assessment.get("gated") or assessment.get("evidence_note"):
        supporting = any(flag.get("kind") == "red_flag" and flag.get("fired")
                         for flag in assessment.get("flags") or ())
        st.info(t("no_offer_note" if supporting else "gated_note", ui))
    cols = st.columns(4)
    cols[0].metric(t("probability", ui), format_probability(probability))
    cols[1].metric(t("threshold", ui), format_probability(float(assessment["threshold"])))
    cols[2].metric(t("language_detected", ui),
                   render.language_label(assessment.get("language", ""), ui))
    cols[3].metric(t("text_kind", ui), render.kind_label(assessment.get("text_kind", ""), ui))
    st.caption(f"{t('model_version', ui)}: `{assessment.get('model_version', '')}` · "
               f"{t('disclaimer_short', ui)}")
    if report is not None:
        st.download_button(t("download_report_single", ui), report[0].encode("utf-8"),
                           report[1], "text/html", key=f"{key}_dl_report", on_click="ignore",
                           icon="📄")
    if assessment.get("text_kind") in ("case_account", "warning"):
        st.info(t(f"kind_note_{assessment['text_kind']}", ui))

    st.subheader(t("flags_heading", ui))
    table = render.flag_table(assessment, ui)
    if table.empty:
        st.success(t("no_flags", ui))
    else:
        st.dataframe(table, hide_index=True, width="stretch", key=f"{key}_flags")

    st.subheader(t("evidence_heading", ui))
    st.markdown(render.legend_html(ui), unsafe_allow_html=True)
    spans = render.spans_from_flags(assessment.get("flags") or (), ui)
    st.markdown(render.highlight_html(text, spans), unsafe_allow_html=True)

    chart = render.contribution_frame(assessment, ui)
    if not chart.empty:
        st.subheader(t("chart_heading", ui))
        st.altair_chart(contribution_chart(chart, ui), width="stretch", key=f"{key}_chart")


def contribution_chart(frame, ui: str) -> alt.Chart:
    """Horizontal bars, red for flags that raise the score, blue for those that lower it."""
    raises, lowers = t("effect_raises", ui), t("effect_lowers", ui)
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("contribution:Q", title=t("col_contribution", ui)),
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("effect:N", title=t("col_effect", ui),
                        scale=alt.Scale(domain=[raises, lowers], range=["#dc2626", "#2563eb"])),
        tooltip=[alt.Tooltip("label:N", title=t("col_flag", ui)),
                 alt.Tooltip("contribution:Q", format=".3f", title=t("col_contribution", ui))],
    ).properties(height=alt.Step(22))
