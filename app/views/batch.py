"""Batch page: score a table of texts, triage it (sorted, searched, labelled), see its scheme
clusters, explain and review a row, download results, case reports and a labelled file."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from triage import batch, render
from triage.i18n import t
from triage.ui import detector_or_error, get_detector, lang, show_assessment

from ponzidetect.display import format_probability
from ponzidetect.report import case_report, report_filename
from ponzidetect.tabular import TabularError

# Session keys. Tests (and other pages) may put a DataFrame in FRAME and a file name in NAME
# instead of uploading a file.
FRAME, NAME, TRUNCATED, UPLOAD_SIG, VERSION = (
    "batch_frame", "batch_name", "batch_truncated", "batch_upload_sig", "batch_version")
RESULTS, RESULTS_SIG, DOWNLOADS = "batch_results", "batch_results_sig", "batch_downloads"
LABELS, LABELS_VERSION, TABLE_KEYS, SCORED_AT = (
    "batch_labels", "batch_labels_version", "batch_table_keys", "batch_scored_at")
RISKS = ("high", "medium", "low", "")
NO_ID = "\u0000row"  # the "row number" choice of the id-column box

ui = lang()
state = st.session_state


def load_upload(upload) -> None:
    """Read a newly uploaded table into the session (once per file); a new file starts with
    no results and no labels."""
    if upload is None:
        if state.get(UPLOAD_SIG) is not None:  # the user removed the file
            for key in (FRAME, NAME, TRUNCATED, UPLOAD_SIG, RESULTS, RESULTS_SIG, DOWNLOADS,
                        LABELS):
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
    state.pop(LABELS, None)


def labels() -> dict[str, dict[str, str]]:
    """The investigator's labels of this table, kept in the session across reruns."""
    return state.setdefault(LABELS, {})


def save_labels(updated: dict[str, dict[str, str]]) -> None:
    state[LABELS] = updated
    state[LABELS_VERSION] = state.get(LABELS_VERSION, 0) + 1


def label_name(code: str) -> str:
    return t(f"label_{code}", ui) if code else ""


def on_table_edit(editor_key: str) -> None:
    """The data editor changed a label or note: store it under the row's key."""
    change = state.get(editor_key) or {}
    names = {t("col_label", ui): "label", t("col_note", ui): "note"}
    codes = {label_name(code): code for code in batch.LABELS}
    edited = {}
    for position, cells in (change.get("edited_rows") or {}).items():
        row = {}
        for header, value in cells.items():
            if header in names:
                row[names[header]] = codes.get(value, "") if names[header] == "label" else value
        edited[position] = row
    save_labels(batch.apply_edits(labels(), state.get(TABLE_KEYS, []), edited))


def show_results(results: pd.DataFrame, column: str, id_column: str | None, name: str) -> None:
    """Summary, triage table with labels, clusters, charts, row review and downloads."""
    counts = batch.risk_counts(results)
    st.success(t("scored", ui, rows=len(results), **counts))
    if counts["errors"]:
        st.warning(t("errors_note", ui, errors=counts["errors"]))
    names = render.flag_names(ui)
    present = batch.flag_frequencies(results, names)
    clusters = batch.cluster_frame(results, column)

    st.subheader(t("triage_heading", ui))
    search = st.text_input(t("search", ui), key="batch_search",
                           placeholder=t("search_placeholder", ui))
    left, middle, right = st.columns([2, 3, 2])
    risks = left.multiselect(t("filter_risk", ui), RISKS, key="batch_filter_risk",
                             format_func=lambda r: render.risk_label(r, ui),
                             placeholder=t("choose", ui))
    flags = middle.multiselect(t("filter_flags", ui), list(present["flag_id"]),
                               key="batch_filter_flags", format_func=lambda f: names.get(f, f),
                               placeholder=t("choose", ui))
    cluster = right.selectbox(t("filter_cluster", ui), ["", *clusters["cluster"].tolist()],
                              key="batch_filter_cluster",
                              format_func=lambda c: t("all_rows", ui) if not c else t(
                                  "cluster_option", ui, cluster=c,
                                  size=int(clusters.loc[clusters["cluster"] == c, "size"].iloc[0])))
    columns = [column, *([id_column] if id_column else []), "evidence", "error"]
    shown = batch.filter_results(results, risks, flags, search, columns, cluster)
    table = batch.triage_frame(shown, column, id_column, labels(),
                               keys=batch.row_keys(results, id_column))
    state[TABLE_KEYS] = table["key"].tolist()
    st.caption(t("showing", ui, shown=len(table), rows=len(results)))
    editor_key = (f"batch_table_{state.get(LABELS_VERSION, 0)}_"
                  f"{abs(hash((search, tuple(risks), tuple(flags), cluster))) % 10**8}")
    st.data_editor(display_table(table, names), hide_index=True, width="stretch",
                   key=editor_key, on_change=on_table_edit, args=(editor_key,),
                   disabled=[c for c in display_columns() if c not in (
                       t("col_label", ui), t("col_note", ui))],
                   column_config=column_config(), placeholder="—")
    counted = pd.Series([v.get("label", "") for v in labels().values()]).value_counts()
    st.caption(t("labels_count", ui, scheme=int(counted.get("scheme", 0)),
                 not_scheme=int(counted.get("not_scheme", 0)),
                 unsure=int(counted.get("unsure", 0))))

    st.subheader(t("clusters_heading", ui))
    if clusters.empty:
        st.caption(t("no_clusters", ui))
    else:
        st.caption(t("clusters_intro", ui, n=len(clusters),
                     rows=int(clusters["size"].sum())))
        st.dataframe(pd.DataFrame({
            t("col_cluster", ui): clusters["cluster"],
            t("col_size", ui): clusters["size"],
            t("col_top_score", ui): clusters["top_score"].map(format_probability),
            t("col_high", ui): clusters["high"],
            t("col_representative", ui): clusters["text"],
        }), hide_index=True, width="stretch", key="batch_clusters")

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
                tooltip=[alt.Tooltip("flag:N", title=t("col_flag", ui)),
                         alt.Tooltip("flag_id:N", title=t("col_id", ui)),
                         alt.Tooltip("rows:Q", title=t("col_count", ui))]),
                width="stretch", key="batch_freq")

    review(results, table, column, id_column, name)
    downloads(results, column, id_column, name)


def display_columns() -> list[str]:
    return [t(k, ui) for k in ("col_id", "col_score", "risk", "col_label", "col_note",
                               "col_error", "col_text", "col_flags", "text_kind", "col_cluster",
                               "col_size")]


def display_table(table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The visible triage table with localised headers and values."""
    flags = table["flags"].map(lambda s: ", ".join(names.get(f, f) for f in str(s).split(";")
                                                   if f))
    # percent with one decimal, never shown as 100% (the badge's ">99.9%" reads 99.9 here)
    percent = (table["score"] * 100).clip(upper=99.9).round(1)
    return pd.DataFrame(dict(zip(display_columns(), [
        table["key"], percent, table["risk"].map(lambda r: render.risk_label(r, ui)),
        table["label"].map(label_name), table["note"], table["error"], table["text"], flags,
        table["text_kind"].map(lambda k: render.kind_label(k, ui) if k else ""),
        table["cluster"], table["cluster_size"]], strict=True)))


def column_config() -> dict:
    return {
        t("col_score", ui): st.column_config.ProgressColumn(
            t("col_score", ui), format="%.1f%%", min_value=0.0, max_value=100.0),
        t("col_label", ui): st.column_config.SelectboxColumn(
            t("col_label", ui), options=[label_name(code) for code in batch.LABELS],
            help=t("label_help", ui)),
        t("col_note", ui): st.column_config.TextColumn(t("col_note", ui), max_chars=500),
        t("col_text", ui): st.column_config.TextColumn(t("col_text", ui), width="large"),
    }


def review(results: pd.DataFrame, table: pd.DataFrame, column: str, id_column: str | None,
           name: str) -> None:
    """Open one row: its explanation, its label and note, its case report."""
    st.subheader(t("explain_row", ui))
    order = [int(i) for i in table.index]
    if not order:
        st.caption(t("no_rows", ui))
        return
    keys = dict(zip(order, table["key"], strict=True))
    row = st.selectbox(t("explain_row", ui), order, key="batch_row",
                       label_visibility="collapsed",
                       format_func=lambda i: row_label(results, column, keys, i))
    key = keys[row]
    current = labels().get(key) or {}
    with st.form(key="batch_review", border=True):
        st.markdown(t("review_heading", ui, key=key))
        choice = st.radio(t("col_label", ui), ["", *batch.LABELS], horizontal=True,
                          index=(["", *batch.LABELS].index(current.get("label", ""))
                                 if current.get("label", "") in batch.LABELS else 0),
                          format_func=lambda c: label_name(c) or t("label_none", ui),
                          key=f"batch_review_label_{key}")
        note = st.text_input(t("col_note", ui), value=current.get("note", ""),
                             key=f"batch_review_note_{key}", max_chars=500)
        if st.form_submit_button(t("save_label", ui)):
            updated = {k: dict(v) for k, v in labels().items()}
            if choice or note.strip():
                updated[key] = {"label": choice, "note": note.strip()}
            else:
                updated.pop(key, None)
            save_labels(updated)
            st.rerun()
    assessment = results.at[row, "assessment"]
    if assessment is None:
        st.error(t("row_error", ui, error=results.at[row, "error"]))
        return
    text = str(results.at[row, column])
    page = case_report(get_detector(), text, lang=ui, assessment=assessment,
                       scored_at=state.get(SCORED_AT), source=f"{name}, {t('col_id', ui)} {key}",
                       case_id=key)
    show_assessment(text, assessment, ui, key="batch", report=(page, report_filename(key, text)))


def downloads(results: pd.DataFrame, column: str, id_column: str | None, name: str) -> None:
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
    labelled = batch.labelled_frame(results, column, id_column, labels(), source=name)
    st.caption(t("labels_note", ui, n=len(labelled)))
    cols = st.columns(2)
    cols[0].download_button(t("download_labels_csv", ui), batch.to_labels_csv_bytes(labelled),
                            f"{stem}-labels.csv", "text/csv", key="batch_dl_labels_csv",
                            on_click="ignore", disabled=labelled.empty)
    cols[1].download_button(t("download_labels_jsonl", ui),
                            batch.to_labels_jsonl_bytes(labelled), f"{stem}-labels.jsonl",
                            "application/x-ndjson", key="batch_dl_labels_jsonl",
                            on_click="ignore", disabled=labelled.empty)


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


def row_label(results: pd.DataFrame, column: str, keys: dict[int, str], index: int) -> str:
    score = results.at[index, "score"]
    shown = "—" if pd.isna(score) else format_probability(float(score))
    return (f"{keys[index]} · {render.risk_label(results.at[index, 'risk'], ui)} · {shown} · "
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
        left, right = st.columns(2)
        column = left.selectbox(t("text_column", ui), columns, key="batch_column",
                                index=columns.index(default) if default in columns else 0)
        guessed_id = batch.default_id_column(frame, column)
        id_options = [NO_ID, *[c for c in columns if c != column]]
        id_choice = right.selectbox(
            t("id_column", ui), id_options, key="batch_id_column",
            index=id_options.index(guessed_id) if guessed_id in id_options else 0,
            format_func=lambda c: t("id_row_number", ui) if c == NO_ID else str(c))
        id_column = None if id_choice == NO_ID else id_choice
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
                state[RESULTS], state[RESULTS_SIG] = results, signature
                state[SCORED_AT] = datetime.now(UTC)
                state.pop(DOWNLOADS, None)
            except Exception as error:  # never a traceback in front of an investigator
                logging.getLogger("ponzidetect.app").exception("batch scoring failed")
                st.error(t("err_unexpected", ui, error=error))
        if state.get(RESULTS_SIG) == signature and RESULTS in state:
            results = state[RESULTS]
            if DOWNLOADS not in state or state[DOWNLOADS]["id_column"] != id_choice:
                with st.spinner(t("scoring", ui)):
                    state[DOWNLOADS] = {"id_column": id_choice,
                                        "csv": batch.to_csv_bytes(results, id_column),
                                        "xlsx": batch.to_xlsx_bytes(results, id_column),
                                        "jsonl": batch.to_jsonl_bytes(results, id_column)}
            show_results(results, column, id_column, name)
