"""Batch logic of the app (no Streamlit): read an uploaded table, score it, cluster it, build
the triage table, keep the investigator's labels, export results and a labelled training file."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd

from ponzidetect import tabular
from ponzidetect.clusters import cluster_texts
from ponzidetect.columns import (
    ASSESSMENT_COLUMNS,
    evidence_summary,
    guess_id_column,
    guess_text_column,
)

ROW_CAP = 5_000
TABLE_TYPES = ("csv", "tsv", "txt", "jsonl", "ndjson", "json", "xlsx", "parquet")
RESULT_COLUMNS = ("score", "risk", "flags", "error")
CLUSTER_COLUMNS = ("cluster", "cluster_size")
INTERNAL_COLUMNS = ("assessment", "cluster_representative")
LABELS = ("scheme", "not_scheme", "unsure")
"""What an investigator can say about a row; ``scheme`` / ``not_scheme`` train a model."""
LABEL_VALUES = {"scheme": 1, "not_scheme": 0}


def read_table(name: str, data: bytes, cap: int = ROW_CAP) -> tuple[pd.DataFrame, bool]:
    """Read the first ``cap`` rows of an uploaded table.

    Parameters
    ----------
    name : str
        The uploaded file's name; its extension gives the format.
    data : bytes
        The file's content.
    cap : int
        Most rows to read.

    Returns
    -------
    (DataFrame, bool)
        The rows, and whether the file had more than ``cap`` rows.

    Raises
    ------
    tabular.TabularError
        With a message that says what to do (unknown format, binary file, bad encoding...).
    """
    fmt = tabular.format_from_name(name)
    with tempfile.TemporaryDirectory(prefix="ponzidetect-app-") as folder:
        path = Path(folder) / f"upload.{fmt}"
        path.write_bytes(data)
        chunks, rows = [], 0
        for chunk in tabular.read_chunks(path, fmt=fmt, chunk_rows=min(cap + 1, 5_000)):
            chunks.append(chunk)
            rows += len(chunk)
            if rows > cap:
                break
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    return frame.iloc[:cap].reset_index(drop=True), rows > cap


def default_text_column(frame: pd.DataFrame) -> str | None:
    """The column to score by default (see :func:`ponzidetect.columns.guess_text_column`)."""
    return guess_text_column(frame)


def default_id_column(frame: pd.DataFrame, text_column: object = None) -> str | None:
    """The id column when one is obvious (see :func:`ponzidetect.columns.guess_id_column`)."""
    return guess_id_column(frame, text_column)


def score_table(detector, frame: pd.DataFrame, column: str, cap: int = ROW_CAP,
                chunk_rows: int = 100,
                progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Score the first ``cap`` rows with explanations and group near-duplicate texts.

    Rows are scored ``chunk_rows`` at a time and ``progress(done, total)`` is called after each
    chunk, so the page can show a progress bar. Returns a copy with ``score``, ``risk``,
    ``flags``, ``error``, the :data:`~ponzidetect.columns.ASSESSMENT_COLUMNS` (text kind,
    language, evidence, model version), ``cluster`` and ``cluster_size``, and two internal
    columns (``assessment``: each row's full dict; ``cluster_representative``), with a fresh
    0-based index. Raises ``KeyError`` when ``column`` is missing.
    """
    rows = frame.iloc[:cap].reset_index(drop=True)
    if column not in rows.columns:
        raise KeyError(tabular.missing_column_message(str(column), [str(c) for c in rows.columns]))
    rows = _input_renamed(rows, column)
    parts = []
    for start in range(0, max(len(rows), 1), chunk_rows):
        parts.append(detector.score_frame(rows.iloc[start:start + chunk_rows],
                                          text_column=column, explain=True))
        if progress is not None:
            progress(min(start + chunk_rows, len(rows)), len(rows))
    results = pd.concat(parts) if len(parts) > 1 else parts[0]
    assessments = results["assessment"].tolist()
    results["text_kind"] = [a["text_kind"] if a else "" for a in assessments]
    results["language"] = [a["language"] if a else "" for a in assessments]
    results["evidence"] = [evidence_summary(a) if a else "" for a in assessments]
    results["model_version"] = [a["model_version"] if a else "" for a in assessments]
    clusters = cluster_texts(rows[column].tolist())
    results["cluster"] = list(clusters.ids)
    results["cluster_size"] = list(clusters.sizes)
    representatives = set(clusters.representatives)
    results["cluster_representative"] = [i in representatives for i in range(len(results))]
    return results


def _input_renamed(rows: pd.DataFrame, column: object) -> pd.DataFrame:
    """The rows with input columns named like one the app adds (``score``, ``language``,
    ``cluster``...) renamed ``input_<name>``, so the input's values are kept next to ours and
    the app finds its own (the text column keeps its name: the page refers to it)."""
    ours = {*RESULT_COLUMNS, *ASSESSMENT_COLUMNS, *CLUSTER_COLUMNS, *INTERNAL_COLUMNS}
    taken = {str(c) for c in rows.columns}
    renamed: dict[object, str] = {}
    for name in rows.columns:
        if str(name) in ours and name != column:
            new, number = f"input_{name}", 2
            while new in taken or new in ours:
                new, number = f"input_{name}_{number}", number + 1
            taken.add(new)
            renamed[name] = new
    return rows.rename(columns=renamed) if renamed else rows


def row_keys(results: pd.DataFrame, id_column: object = None) -> pd.Series:
    """Each row's key for labels and downloads: the id column's value (made unique with
    `` (row n)`` where it repeats), else ``#n`` (n = 1-based row number, from the index of
    :func:`score_table`'s results). Compute it on the whole table, then select rows."""
    if id_column is None or id_column not in results.columns:
        return pd.Series([f"#{int(i) + 1}" for i in results.index], index=results.index)
    values = results[id_column].map(lambda v: "" if v is None or (isinstance(v, float) and v != v)
                                    else str(v))
    repeated = values.duplicated(keep=False) | (values == "")
    numbers = pd.Series([int(i) + 1 for i in results.index], index=results.index)
    return values.where(~repeated, values + " (row " + numbers.astype(str) + ")")


def risk_counts(results: pd.DataFrame) -> dict[str, int]:
    """``{"high": n, "medium": n, "low": n, "errors": n}``."""
    counts = Counter(results["risk"].fillna(""))
    return {"high": counts["high"], "medium": counts["medium"], "low": counts["low"],
            "errors": int((results["error"].fillna("") != "").sum())}


def row_flags(results: pd.DataFrame) -> pd.Series:
    """Each row's fired red flags as a list of ids."""
    return results["flags"].fillna("").map(lambda s: [f for f in str(s).split(";") if f])


def filter_results(results: pd.DataFrame, risks: Iterable[str] | None = None,
                   flags: Iterable[str] | None = None, search: str = "",
                   columns: Iterable[object] = (), cluster: str = "") -> pd.DataFrame:
    """Rows in one of ``risks`` (``""`` = error rows) that raised any of ``flags``, whose
    ``columns`` contain ``search`` (case-insensitive) and that are in ``cluster``.

    ``None``, an empty selection or an empty string means no filter on that criterion.
    """
    mask = pd.Series(True, index=results.index)
    risks = list(risks or ())
    if risks:
        mask &= results["risk"].fillna("").isin(risks)
    wanted = set(flags or ())
    if wanted:
        mask &= row_flags(results).map(lambda ids: bool(wanted.intersection(ids)))
    needle = search.strip().casefold()
    if needle:
        found = pd.Series(False, index=results.index)
        for column in columns:
            if column in results.columns:
                found |= results[column].map(lambda v: needle in str(v).casefold()
                                             if v is not None else False)
        mask &= found
    if cluster and "cluster" in results.columns:
        mask &= results["cluster"] == cluster
    return results[mask]


def flag_frequencies(results: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """How many rows raised each red flag: ``flag_id``, ``flag``, ``rows``; most frequent first."""
    counts = Counter(flag for ids in row_flags(results) for flag in ids)
    names = names or {}
    frame = pd.DataFrame([(flag, names.get(flag, flag), count) for flag, count in counts.items()],
                         columns=["flag_id", "flag", "rows"])
    return frame.sort_values(["rows", "flag_id"], ascending=[False, True], ignore_index=True)


def export_frame(results: pd.DataFrame, id_column: object = None) -> pd.DataFrame:
    """Results for CSV/XLSX: the id column first, the other input columns, then score, risk,
    flags, error, text kind, language, evidence, model version, cluster and its size."""
    table = results.drop(columns=list(INTERNAL_COLUMNS), errors="ignore")
    if id_column is not None and id_column in table.columns:
        table = table[[id_column, *[c for c in table.columns if c != id_column]]]
    return table


def _write(frame: pd.DataFrame, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ponzidetect-app-") as folder:
        path = Path(folder) / f"results.{fmt}"
        with tabular.TableWriter(path, fmt=fmt) as writer:
            writer.write(frame)
        return path.read_bytes()


def to_csv_bytes(results: pd.DataFrame, id_column: object = None) -> bytes:
    """CSV, UTF-8 with a BOM (Excel shows Chinese correctly), formula cells escaped."""
    return _write(export_frame(results, id_column), "csv")


def to_xlsx_bytes(results: pd.DataFrame, id_column: object = None) -> bytes:
    """XLSX with formula cells escaped."""
    return _write(export_frame(results, id_column), "xlsx")


def to_jsonl_bytes(results: pd.DataFrame, id_column: object = None) -> bytes:
    """JSON Lines, one object per row keyed first by ``id`` (the id column's value, else
    ``#n``; ``ponzidetect_id`` when the table has another column named ``id``), with the full
    ``assessment`` nested."""
    table = results.drop(columns=["cluster_representative"], errors="ignore")
    keys = row_keys(results, id_column).tolist()
    if id_column == "id":
        table["id"] = keys
        table = table[["id", *[c for c in table.columns if c != "id"]]]
    else:
        table.insert(0, "id" if "id" not in table.columns else "ponzidetect_id", keys)
    return _write(table, "jsonl")


# --------------------------------------------------------------------------------------------
# Triage: the sorted table, the labels, the labelled export
# --------------------------------------------------------------------------------------------


def triage_frame(results: pd.DataFrame, column: object, id_column: object,
                 labels: Mapping[str, Mapping[str, str]],
                 keys: pd.Series | None = None) -> pd.DataFrame:
    """The triage table, highest score first (error rows last), one row per result.

    Columns (plain names; the page localises the headers): ``key`` (the id), ``score``,
    ``risk``, ``label``, ``note``, ``error``, ``flags`` (ids), ``text_kind``, ``cluster``,
    ``cluster_size``, ``text`` (a preview), with the results' index. ``keys``: the
    :func:`row_keys` of the whole table when ``results`` is a filtered part of it.
    """
    keys = row_keys(results, id_column) if keys is None else keys.loc[results.index]
    table = pd.DataFrame({
        "key": keys,
        "score": results["score"].astype(float),
        "risk": results["risk"].fillna(""),
        "label": keys.map(lambda k: (labels.get(k) or {}).get("label", "")),
        "note": keys.map(lambda k: (labels.get(k) or {}).get("note", "")),
        "error": results["error"].fillna(""),
        "flags": results["flags"].fillna(""),
        "text_kind": results.get("text_kind", pd.Series("", index=results.index)),
        "cluster": results.get("cluster", pd.Series("", index=results.index)),
        "cluster_size": results.get("cluster_size", pd.Series(1, index=results.index)),
        "text": results[column].map(preview),
    }, index=results.index)
    order = table["score"].fillna(-1.0).sort_values(ascending=False, kind="stable").index
    return table.loc[order]


def apply_edits(labels: dict[str, dict[str, str]], keys: list[str],
                edited_rows: Mapping[int | str, Mapping[str, object]]) -> dict[str, dict[str, str]]:
    """A new labels dict with a data editor's ``edited_rows`` (row position in ``keys`` to
    changed ``label`` / ``note``) applied; rows back to no label and no note are dropped."""
    updated = {key: dict(value) for key, value in labels.items()}
    for position, change in edited_rows.items():
        key = keys[int(position)]
        entry = updated.setdefault(key, {"label": "", "note": ""})
        for field in ("label", "note"):
            if field in change:
                value = change[field]
                entry[field] = "" if value is None else str(value)
        if entry.get("label", "") not in LABELS:
            entry["label"] = ""
        if not entry["label"] and not entry.get("note"):
            updated.pop(key)
    return updated


def labelled_frame(results: pd.DataFrame, column: object, id_column: object,
                   labels: Mapping[str, Mapping[str, str]], source: str = "") -> pd.DataFrame:
    """Rows labelled ``scheme`` or ``not_scheme`` as a training table that ``ponzidetect train``
    and ``ponzidetect evaluate`` read as it is: ``id, text, label`` (1 / 0), ``group`` (the
    scheme cluster, so near-duplicates never sit on both sides of a fold), ``lang``,
    ``source``, ``note``, ``review`` and the model's ``score`` and ``risk`` at labelling time.
    ``unsure`` rows and rows without a text are left out."""
    keys = row_keys(results, id_column)
    rows = []
    for index, key in keys.items():
        entry = labels.get(key) or {}
        value = LABEL_VALUES.get(entry.get("label", ""))
        text = results.at[index, column]
        if value is None or not isinstance(text, str) or not text.strip():
            continue
        cluster = results.at[index, "cluster"] if "cluster" in results.columns else ""
        rows.append({"id": key, "text": text, "label": value,
                     "group": f"cluster-{cluster}" if cluster else key,
                     "lang": results.at[index, "language"] if "language" in results.columns
                     else "", "source": source, "note": entry.get("note", ""),
                     "review": entry.get("label", ""), "score": results.at[index, "score"],
                     "risk": results.at[index, "risk"]})
    return pd.DataFrame(rows, columns=["id", "text", "label", "group", "lang", "source", "note",
                                       "review", "score", "risk"])


def to_labels_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The labelled table as CSV (UTF-8 with BOM; cells starting with = + - @ get a ' so a
    spreadsheet never runs them; the JSONL export keeps every text exactly)."""
    return _write(frame, "csv")


def to_labels_jsonl_bytes(frame: pd.DataFrame) -> bytes:
    """The labelled table as JSON Lines, texts exactly as scored."""
    lines = [json.dumps({k: (None if isinstance(v, float) and v != v else v)
                         for k, v in record.items()}, ensure_ascii=False)
             for record in frame.to_dict("records")]
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")


def cluster_frame(results: pd.DataFrame, column: object) -> pd.DataFrame:
    """One row per scheme cluster, largest first: ``cluster``, ``size``, ``top_score``,
    ``high`` (members in the high band) and ``text`` (a preview of its representative)."""
    if "cluster" not in results.columns:
        return pd.DataFrame(columns=["cluster", "size", "top_score", "high", "text"])
    rows = []
    members = results[results["cluster"] != ""]
    for cluster, group in members.groupby("cluster", sort=False):
        chosen = group[group["cluster_representative"]] if "cluster_representative" in group \
            else group
        representative = (chosen if not chosen.empty else group).iloc[0]
        rows.append({"cluster": cluster, "size": len(group),
                     "top_score": float(group["score"].max()) if group["score"].notna().any()
                     else float("nan"),
                     "high": int((group["risk"] == "high").sum()),
                     "text": preview(representative[column], 200)})
    frame = pd.DataFrame(rows, columns=["cluster", "size", "top_score", "high", "text"])
    return frame.sort_values(["size", "cluster"], ascending=[False, True], ignore_index=True)


def preview(value: object, size: int = 160) -> str:
    """The first ``size`` characters of a cell, on one line."""
    text = " ".join(str(value).split()) if isinstance(value, str) else ("" if value is None
                                                                         else str(value))
    return text if len(text) <= size else text[: size - 1] + "…"


def ranked_rows(results: pd.DataFrame) -> list[int]:
    """Row labels ordered highest score first (error rows last), for the explanation picker."""
    ranked = results["score"].astype(float).fillna(-1.0).sort_values(ascending=False,
                                                                      kind="stable")
    return [int(index) for index in ranked.index]
