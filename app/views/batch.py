"""Batch page: score a table of texts, filter and sort the results, explain a row, download."""

from __future__ import annotations

import logging
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from triage import batch, render
from triage.i18n import t
from triage.ui import detector_or_error, lang, show_assessment

from ponzidetect.tabular import TabularError

# Session keys. Tests (and other pages) may put a DataFrame in FRAME and a file name in NAME
# instead of uploading a file.
FRAME, NAME, TRUNCATED, UPLOAD_SIG, VERSION = (
    "batch_frame", "batch_name", "batch_truncated", "batch_upload_sig", "batch_version")
RESULTS, RESULTS_SIG, DOWNLOADS = "batch_results", "batch_results_sig", "batch_downloads"
RISKS = ("high", "medium", "low", "")

ui = lang()
state = st.session_state


def load_upload(upload) -> None:
    """Read a newly uploaded table into the session (once per file)."""
    if upload is None:
        if state.get(UPLOAD_SIG) is not None:  # the user removed the file
            for key in (FRAME, NAME, TRUNCATED, UPLOAD_SIG, RESULTS, RESULTS_SIG, DOWNLOADS):
                state.pop(key, None)
        return
    signature = (upload.file_id, upload.name, upload.size)
    if state.get(UPLOAD_SIG) == signature:
        return
    state[UPLOAD_SIG] = signature
    try:
        frame, truncated = batch.read_table(upload.name, upload.getvalue())
    except (TabularError, UnicodeDecodeError, ValueError) as error:
        state.pop(FRAME, None)
        st.error(t("err_table", ui, name=upload.name, error=error))
        return
    state[FRAME], state[NAME], state[TRUNCATED] = frame, upload.name, truncated
    state[VERSION] = state.get(VERSION, 0) + 1


def show_results(results: pd.DataFrame, column: str, name: str) -> None:
    """Summary, filters, table, charts, row explanation and downloads."""
    counts = batch.risk_counts(results)
    st.success(t("scored", ui, rows=len(results), **counts))
    names = render.flag_names(ui)
    present = batch.flag_frequencies(results, names)
    left, right = st.columns(2)
    risks = left.multiselect(t("filter_risk", ui), RISKS, key="batch_filter_risk",
                             format_func=lambda r: render.risk_label(r, ui))
    flags = right.multiselect(t("filter_flags", ui), list(present["flag_id"]),
                              key="batch_filter_flags",
                              format_func=lambda f: names.get(f, f))
    shown = batch.filter_results(results, risks, flags)
    st.caption(t("showing", ui, shown=len(shown), rows=len(results)))
    st.dataframe(display_table(shown, column, names), hide_index=True, width="stretch",
                 key="batch_table",
                 column_config={t("col_score", ui): st.column_config.ProgressColumn(
                     t("col_score", ui), format="%.3f", min_value=0.0, max_value=1.0)})

    left, right = st.columns(2)
    with left:
        st.subheader(t("histogram", ui))
        scored = shown.dropna(subset=["score"])
        if not scored.empty:
            st.altair_chart(histogram(scored), width="stretch", key="batch_hist")
    with right:
        st.subheader(t("flag_freq", ui))
        frequencies = batch.flag_frequencies(shown, names)
        if frequencies.empty:
            st.caption(t("no_flag_rows", ui))
        else:
            st.altair_chart(alt.Chart(frequencies).mark_bar(color="#dc2626").encode(
                x=alt.X("rows:Q", title=t("col_count", ui)),
                y=alt.Y("flag:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
                tooltip=["flag", "flag_id", "rows"]), width="stretch", key="batch_freq")

    st.subheader(t("explain_row", ui))
    order = batch.ranked_rows(shown)
    if not order:
        st.caption(t("no_rows", ui))
    else:
        row = st.selectbox(t("explain_row", ui), order, key="batch_row",
                           label_visibility="collapsed",
                           format_func=lambda i: row_label(results, column, i))
        assessment = results.at[row, "assessment"]
        if assessment is None:
            st.error(t("row_error", ui, error=results.at[row, "error"]))
        else:
            show_assessment(str(results.at[row, column]), assessment, ui, key="batch")

    st.subheader(t("downloads", ui))
    st.caption(t("download_note", ui))
    stem = Path(name).stem or "ponzidetect"
    files = state[DOWNLOADS]
    cols = st.columns(3)
    cols[0].download_button(t("download_csv", ui), files["csv"], f"{stem}-scored.csv",
                            "text/csv", key="batch_dl_csv", on_click="ignore")
    cols[1].download_button(
        t("download_xlsx", ui), files["xlsx"], f"{stem}-scored.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="batch_dl_xlsx", on_click="ignore")
    cols[2].download_button(t("download_jsonl", ui), files["jsonl"], f"{stem}-scored.jsonl",
                            "application/x-ndjson", key="batch_dl_jsonl", on_click="ignore")


def display_table(shown: pd.DataFrame, column: str, names: dict[str, str]) -> pd.DataFrame:
    """The visible table: row, score, band, flag names, error, text preview, other columns."""
    table = pd.DataFrame({
        t("col_row", ui): shown.index,
        t("col_score", ui): shown["score"].astype(float),
        t("risk", ui): shown["risk"].map(lambda r: render.risk_label(r, ui)),
        t("col_flags", ui): batch.row_flags(shown).map(
            lambda ids: ", ".join(names.get(f, f) for f in ids)),
        t("col_text", ui): shown[column].map(batch.preview),
        t("col_error", ui): shown["error"],
    }, index=shown.index)
    skip = {column, "assessment", *batch.RESULT_COLUMNS}
    for other in shown.columns:
        if other not in skip and str(other) not in table.columns:
            table[str(other)] = shown[other].map(
                lambda v: v if isinstance(v, int | float | bool) or v is None else str(v))
    return table


def histogram(scored: pd.DataFrame) -> alt.Chart:
    """Score histogram (20 bins), stacked by risk band."""
    data = pd.DataFrame({"score": scored["score"].astype(float),
                         "band": scored["risk"].map(lambda r: render.risk_label(r, ui))})
    bands = [render.risk_label(r, ui) for r in ("high", "medium", "low")]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("score:Q", bin=alt.Bin(maxbins=20, extent=[0, 1]), title=t("col_score", ui)),
        y=alt.Y("count():Q", title=t("col_count", ui)),
        color=alt.Color("band:N", title=t("risk", ui), scale=alt.Scale(
            domain=bands, range=[render.RISK_COLOURS[r] for r in ("high", "medium", "low")])),
    )


def row_label(results: pd.DataFrame, column: str, index: int) -> str:
    score = results.at[index, "score"]
    shown = "—" if pd.isna(score) else f"{float(score):.2f}"
    return (f"#{index} · {render.risk_label(results.at[index, 'risk'], ui)} · {shown} · "
            f"{batch.preview(results.at[index, column], 80)}")


st.header(t("page_batch", ui))
st.markdown(t("batch_intro", ui, cap=batch.ROW_CAP))
load_upload(st.file_uploader(t("table_label", ui), type=list(batch.TABLE_TYPES),
                             key="batch_file"))
frame = state.get(FRAME)
if isinstance(frame, pd.DataFrame):
    name = state.get(NAME) or "table.csv"
    st.caption(t("rows_loaded", ui, name=name, rows=len(frame), cols=len(frame.columns)))
    if state.get(TRUNCATED) or len(frame) > batch.ROW_CAP:
        st.warning(t("rows_capped", ui, cap=batch.ROW_CAP, name=name))
    if len(frame.columns) == 0:
        st.error(t("err_no_columns", ui))
    else:
        columns = list(frame.columns)
        default = batch.default_text_column(frame)
        column = st.selectbox(t("text_column", ui), columns, key="batch_column",
                              index=columns.index(default) if default in columns else 0)
        signature = (state.get(VERSION, 0), column)
        if st.button(t("score_table", ui, rows=min(len(frame), batch.ROW_CAP)), type="primary",
                     key="batch_score") and (detector := detector_or_error(ui)) is not None:
            try:
                bar = st.progress(0.0, text=t("scoring", ui))
                results = batch.score_table(
                    detector, frame, column,
                    progress=lambda done, total: bar.progress(
                        done / max(total, 1), text=f"{t('scoring', ui)} {done:,}/{total:,}"))
                bar.empty()
                with st.spinner(t("scoring", ui)):
                    state[DOWNLOADS] = {"csv": batch.to_csv_bytes(results),
                                        "xlsx": batch.to_xlsx_bytes(results),
                                        "jsonl": batch.to_jsonl_bytes(results)}
                state[RESULTS], state[RESULTS_SIG] = results, signature
            except Exception as error:  # never a traceback in front of an investigator
                logging.getLogger("ponzidetect.app").exception("batch scoring failed")
                st.error(t("err_unexpected", ui, error=error))
        if state.get(RESULTS_SIG) == signature and RESULTS in state:
            show_results(state[RESULTS], column, name)
