"""Scoring a table file with a fake scorer: rows kept in order, errors per row, atomic output.

The fake scorer lives in ``fakes.py`` (module level) so worker processes can import it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd
import pytest
from fakes import fake_factory, fake_score
from openpyxl import load_workbook

from ponzidetect.batch import (
    RESULT_COLUMNS,
    BatchSummary,
    ResultColumn,
    RowOutcome,
    Scorer,
    cell_error,
    result_column_names,
    score_table,
)
from ponzidetect.io import TableWriter, TabularError, read_chunks


def _write(path: Path, frame: pd.DataFrame) -> Path:
    with TableWriter(path) as writer:
        writer.write(frame)
    return path


def _read(path: Path) -> pd.DataFrame:
    return pd.concat(list(read_chunks(path)), ignore_index=True)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _texts(n: int) -> list[str]:
    words = ["guaranteed daily return", "保本保息推荐一人", "referral bonus", "weather report"]
    return [f"{i} {words[i % 4]} " + "x" * (i % 90) for i in range(n)]


@pytest.mark.parametrize("in_fmt", ["csv", "tsv", "jsonl", "parquet", "xlsx"])
@pytest.mark.parametrize("out_fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_every_row_scored_in_any_format(tmp_path: Path, in_fmt: str, out_fmt: str) -> None:
    texts = _texts(12)
    source = _write(tmp_path / f"in.{in_fmt}", pd.DataFrame({"id": [str(i) for i in range(12)],
                                                             "text": texts}))
    target = tmp_path / f"out.{out_fmt}"
    summary = score_table(source, target, text_column="text", scorer_factory=fake_factory,
                          workers=1, chunk_rows=5)
    back = _read(target)
    assert list(back.columns) == ["id", "text", "score", "risk", "flags", "error"]
    assert [str(v) for v in back["id"]] == [str(i) for i in range(12)]
    assert [float(v) for v in back["score"]] == [min(1.0, len(t) / 100) for t in texts]
    assert back["flags"][1] == "guaranteed_returns;multilevel_referral"
    assert summary.rows == summary.scored == 12 and summary.errors == 0


@pytest.mark.parametrize("workers", [1, 2])
def test_row_count_and_order_preserved(tmp_path: Path, workers: int) -> None:
    n = 103
    texts = _texts(n)
    texts[5] = ""
    source = _write(tmp_path / "in.csv", pd.DataFrame({"id": [str(i) for i in range(n)],
                                                       "text": texts}))
    summary = score_table(source, tmp_path / "out.csv", text_column="text",
                          scorer_factory=fake_factory, workers=workers, chunk_rows=7)
    back = _read(tmp_path / "out.csv")
    assert list(back["id"]) == [str(i) for i in range(n)]
    expected = ["" if i == 5 else repr(min(1.0, len(t) / 100)) for i, t in enumerate(texts)]
    assert list(back["score"]) == expected
    assert (summary.rows, summary.scored, summary.errors) == (n, n - 1, 1)


def test_workers_give_the_same_output_as_in_process(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", pd.DataFrame({"text": _texts(40)}))
    for workers in (1, 2):
        score_table(source, tmp_path / f"out{workers}.csv", text_column="text",
                    scorer_factory=fake_factory, workers=workers, chunk_rows=3,
                    explain_path=tmp_path / f"why{workers}.jsonl")
    assert (tmp_path / "out1.csv").read_bytes() == (tmp_path / "out2.csv").read_bytes()
    assert (tmp_path / "why1.jsonl").read_bytes() == (tmp_path / "why2.jsonl").read_bytes()


HUGE = "guaranteed " * 100_000  # 1,100,000 characters


@pytest.mark.parametrize(("cell", "max_chars", "error"), [
    ("", 1_000_000, "empty text"),
    ("   \n\t", 1_000_000, "empty text"),
    (None, 1_000_000, "empty text"),
    (float("nan"), 1_000_000, "empty text"),
    (42, 1_000_000, "not text (int)"),
    (4.5, 1_000_000, "not text (float)"),
    (["a"], 1_000_000, "not text (list)"),
    (HUGE, 1_000_000, "text longer than 1,000,000 characters"),
    ("abcdef", 5, "text longer than 5 characters"),
    ("abcde", 5, ""),
])
def test_cell_error(cell: object, max_chars: int, error: str) -> None:
    assert cell_error(cell, max_chars) == error


def test_bad_cells_get_an_error_and_keep_their_row(tmp_path: Path) -> None:
    lines = [{"id": 0, "text": "guaranteed"}, {"id": 1, "text": ""}, {"id": 2, "text": None},
             {"id": 3, "text": 7}, {"id": 4}, {"id": 5, "text": HUGE},
             {"id": 6, "text": "referral"}]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n",
                      encoding="utf-8")
    calls: list[int] = []
    summary = score_table(source, tmp_path / "out.jsonl", text_column="text", workers=1,
                          scorer_factory=functools.partial(_counting_factory, calls))
    back = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [row["id"] for row in back] == [0, 1, 2, 3, 4, 5, 6, None]
    assert [row["error"] for row in back] == [
        "", "empty text", "empty text", "not text (int)", "empty text",
        "text longer than 1,000,000 characters", "",
        "line 8: invalid JSON: Expecting value at column 1"]
    assert [row["score"] is None for row in back] == [False, True, True, True, True, True, False,
                                                      True]
    assert calls == [2]  # only the two scorable texts reached the scorer
    assert summary.error_reasons == (("empty text", 3), ("invalid JSON", 1), ("not text (int)", 1),
                                     ("text longer than 1,000,000 characters", 1))


def _counting_scorer(calls: list[int], texts: list[object]) -> list[RowOutcome]:
    calls.append(len(texts))
    return fake_score(texts)


def _counting_factory(calls: list[int]) -> Scorer:
    return functools.partial(_counting_scorer, calls)


def test_huge_csv_cell_is_read_and_reported(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(f"id,text\n1,{HUGE}\n2,ok text\n", encoding="utf-8")
    score_table(source, tmp_path / "out.csv", text_column="text", scorer_factory=fake_factory,
                workers=1)
    back = _read(tmp_path / "out.csv")
    assert list(back["error"]) == ["text longer than 1,000,000 characters", ""]
    assert back["text"][0] == HUGE


def test_scorer_failure_on_one_row_costs_one_row(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["fine", "BOOM here", "fine too"]}))
    summary = score_table(source, tmp_path / "out.csv", text_column="text", workers=1,
                          scorer_factory=functools.partial(fake_factory, boom_on="BOOM"))
    back = _read(tmp_path / "out.csv")
    assert list(back["error"]) == ["", "scorer failed: ValueError: cannot score 'BOOM here'", ""]
    assert summary.scored == 2 and summary.error_reasons == (("scorer failed", 1),)


@pytest.mark.parametrize(("fmt", "content"), [
    ("csv", "id,text,url\n1,a,u\n"),
    ("jsonl", '{"id": 1, "text": "a", "url": "u"}\n'),
])
def test_missing_text_column_lists_the_columns(tmp_path: Path, fmt: str, content: str) -> None:
    source = tmp_path / f"in.{fmt}"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(TabularError, match=r"column 'desc' not found in in\.\w+; columns are: "
                                           r"id, text, url"):
        score_table(source, tmp_path / "out.csv", text_column="desc",
                    scorer_factory=fake_factory, workers=2)
    assert _files(tmp_path) == [source.name]


def test_jsonl_text_column_found_beyond_the_first_records(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i}) for i in range(1500)] + [json.dumps({"id": 1500, "body": "x"})]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = score_table(source, tmp_path / "out.csv", text_column="body",
                          scorer_factory=fake_factory, workers=1)
    assert (summary.rows, summary.scored) == (1501, 1)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("out_fmt", ["csv", "xlsx"])
def test_interrupt_leaves_no_output(tmp_path: Path, workers: int, out_fmt: str) -> None:
    texts = _texts(60)
    texts[45] = "STOP right here"
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": texts}))
    with pytest.raises(KeyboardInterrupt):
        score_table(source, tmp_path / f"out.{out_fmt}", text_column="text", workers=workers,
                    scorer_factory=functools.partial(fake_factory, stop_on="STOP"),
                    chunk_rows=10, explain_path=tmp_path / "why.jsonl")
    assert _files(tmp_path) == ["in.csv"]


def test_interrupt_keeps_the_previous_output(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["a", "STOP"]}))
    (tmp_path / "out.csv").write_text("previous run", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        score_table(source, tmp_path / "out.csv", text_column="text", workers=1,
                    scorer_factory=functools.partial(fake_factory, stop_on="STOP"))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "previous run"
    assert _files(tmp_path) == ["in.csv", "out.csv"]


def test_explain_has_one_line_per_row(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["guaranteed 保本", "", "ok"]}))
    score_table(source, tmp_path / "out.csv", text_column="text", scorer_factory=fake_factory,
                workers=1, chunk_rows=2, explain_path=tmp_path / "why.jsonl")
    lines = (tmp_path / "why.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"row": 0, "probability": 0.13, "flags": ["guaranteed_returns"]},
        {"row": 1, "error": "empty text"},
        {"row": 2, "probability": 0.02, "flags": []},
    ]


@pytest.mark.parametrize(("columns", "expected"), [
    (["id", "text"], ("score", "risk", "flags", "error")),
    (["id", "text", "error"], ("ponzidetect_score", "ponzidetect_risk", "ponzidetect_flags",
                               "ponzidetect_error")),
    (["risk", "ponzidetect_risk"], ("ponzidetect_score_2", "ponzidetect_risk_2",
                                    "ponzidetect_flags_2", "ponzidetect_error_2")),
])
def test_result_column_names_avoid_clashes(columns: list[str], expected: tuple[str, ...]) -> None:
    assert result_column_names(columns) == expected


@pytest.mark.parametrize(("columns", "expected"), [
    (["text"], ("score", "risk", "flags", "error", "text_kind", "language")),
    (["text", "language"], ("score", "risk", "flags", "error", "text_kind",
                            "ponzidetect_language")),
    (["text", "score"], ("ponzidetect_score", "ponzidetect_risk", "ponzidetect_flags",
                         "ponzidetect_error", "text_kind", "language")),
])
def test_further_result_columns_are_renamed_on_their_own(columns: list[str],
                                                         expected: tuple[str, ...]) -> None:
    added = (*RESULT_COLUMNS, ResultColumn("text_kind"), ResultColumn("language"))
    assert result_column_names(columns, added) == expected


def test_row_columns_never_overwrite_an_input_column(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["abc", "def"],
                                                       "cluster": ["mine", "mine"]}))

    def clusters(first_row: int, frame: pd.DataFrame) -> dict[str, list[object]]:
        return {"cluster": [f"c{first_row + i}" for i in range(len(frame))]}

    summary = score_table(source, tmp_path / "out.csv", text_column="text",
                          scorer_factory=fake_factory, workers=1, chunk_rows=1,
                          row_columns=clusters)
    back = _read(tmp_path / "out.csv")
    assert back["cluster"].tolist() == ["mine", "mine"]
    assert back["ponzidetect_cluster"].tolist() == ["c0", "c1"]
    assert summary.columns[-1] == "ponzidetect_cluster"


def test_existing_score_column_is_kept(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["abc"], "score": ["analyst: 5"]}))
    summary = score_table(source, tmp_path / "out.csv", text_column="text",
                          scorer_factory=fake_factory, workers=1)
    back = _read(tmp_path / "out.csv")
    assert list(back.columns) == ["text", "score", "ponzidetect_score", "ponzidetect_risk",
                                  "ponzidetect_flags", "ponzidetect_error"]
    assert back["score"][0] == "analyst: 5" and back["ponzidetect_score"][0] == "0.03"
    assert summary.columns[0] == "ponzidetect_score"


@pytest.mark.parametrize(("out_fmt", "expected"), [
    ("csv", ["'=SUM(A1)", "+1", "-2", "'@x"]),  # OWASP prefix; plain numbers left joinable
    ("xlsx", ["=SUM(A1)", "+1", "-2", "@x"]),  # string cells: exact text, never evaluated
])
def test_formula_cells_are_inert_in_output(tmp_path: Path, out_fmt: str,
                                           expected: list[str]) -> None:
    risky = ["=SUM(A1)", "+1", "-2", "@x"]
    source = _write(tmp_path / "in.jsonl", pd.DataFrame({"text": risky}))
    score_table(source, tmp_path / f"out.{out_fmt}", text_column="text",
                scorer_factory=fake_factory, workers=1)
    if out_fmt == "xlsx":
        sheet = load_workbook(tmp_path / "out.xlsx").active
        texts = [sheet.cell(row=r, column=1).value for r in range(2, 6)]
        assert {sheet.cell(row=r, column=1).data_type for r in range(2, 6)} == {"s"}
    else:
        texts = list(_read(tmp_path / "out.csv")["text"])
    assert texts == expected


def test_summary_counts_and_text(tmp_path: Path) -> None:
    texts = ["guaranteed " * 10, "referral " * 5, "short", "", "保本"]
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": texts}))
    summary = score_table(source, tmp_path / "out.csv", text_column="text",
                          scorer_factory=fake_factory, workers=1)
    assert isinstance(summary, BatchSummary)
    assert dict(summary.risk_counts) == {"low": 2, "medium": 1, "high": 1}
    assert summary.top_flags == (("guaranteed_returns", 2), ("multilevel_referral", 1))
    text = summary.to_text()
    assert "Scored 4 of 5 rows" in text and "high 1, medium 1, low 2" in text
    assert "Errors: empty text 1" in text
    assert json.loads(json.dumps(summary.to_dict()))["rows"] == 5


def test_progress_bar_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["a", "b", "c"]}))
    score_table(source, tmp_path / "out.csv", text_column="text", scorer_factory=fake_factory,
                workers=1, progress=True)
    assert "3 rows" in capsys.readouterr().err


@pytest.mark.parametrize(("output", "explain", "message"), [
    ("in.csv", None, "would overwrite the input"),
    ("out.csv", "out.csv", "would overwrite the output"),
    ("out.csv", "in.csv", "would overwrite the input"),
])
def test_refuses_to_overwrite_inputs(tmp_path: Path, output: str, explain: str | None,
                                     message: str) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["a"]}))
    with pytest.raises(TabularError, match=message):
        score_table(source, tmp_path / output, text_column="text", scorer_factory=fake_factory,
                    explain_path=tmp_path / explain if explain else None)


def test_unpicklable_factory_with_workers_says_why(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["a"]}))
    with pytest.raises(TypeError, match=r"module-level function or functools\.partial"):
        score_table(source, tmp_path / "out.csv", text_column="text", workers=2,
                    scorer_factory=lambda: fake_score)
    assert _files(tmp_path) == ["in.csv"]


def test_score_frame_keeps_index_and_columns_and_avoids_clashes() -> None:
    from ponzidetect.batch import score_frame

    frame = pd.DataFrame({"text": ["guaranteed", "", "ok"], "score": ["a", "b", "c"]},
                         index=[10, 20, 30])
    scored = score_frame(frame, "text", fake_factory, chunk_rows=2, explain=True,
                         row_errors=["", "", "line 4: broken"])
    assert scored.index.tolist() == [10, 20, 30]
    assert list(scored.columns) == ["text", "score", "ponzidetect_score", "ponzidetect_risk",
                                    "ponzidetect_flags", "ponzidetect_error",
                                    "ponzidetect_assessment"]
    assert scored["ponzidetect_error"].tolist() == ["", "empty text", "line 4: broken"]
    assert scored["ponzidetect_assessment"].tolist()[1:] == [None, None]
    assert scored["score"].tolist() == ["a", "b", "c"]


def test_score_frame_missing_column_is_a_key_error_listing_columns() -> None:
    from ponzidetect.batch import score_frame

    with pytest.raises(KeyError, match="columns are: id, body") as caught:
        score_frame(pd.DataFrame({"id": [1], "body": ["x"]}), "text", fake_factory)
    assert isinstance(caught.value, TabularError)


def _with_kind(texts: list[str]) -> list[RowOutcome]:
    return [RowOutcome(score=0.5, risk="medium", extra=(("text_kind", f"kind-{len(t)}"),))
            for t in texts]


def _kind_factory() -> Scorer:
    return _with_kind


def test_more_result_columns_can_be_added(tmp_path: Path) -> None:
    from ponzidetect.batch import RESULT_COLUMNS, ResultColumn

    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": ["ab", "abcd"]}))
    columns = (*RESULT_COLUMNS, ResultColumn("text_kind"))
    summary = score_table(source, tmp_path / "out.csv", text_column="text", workers=1,
                          scorer_factory=_kind_factory, result_columns=columns)
    back = _read(tmp_path / "out.csv")
    assert summary.columns == ("score", "risk", "flags", "error", "text_kind")
    assert back["text_kind"].tolist() == ["kind-2", "kind-4"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_crash_costs_one_row(tmp_path: Path, workers: int) -> None:
    texts = _texts(30)
    texts[17] = "CRASH this worker"
    source = _write(tmp_path / "in.csv", pd.DataFrame({"text": texts}))
    option = "crash_on" if workers == 2 else "boom_on"  # in-process a crash would end pytest
    summary = score_table(source, tmp_path / "out.csv", text_column="text", workers=workers,
                          scorer_factory=functools.partial(fake_factory, **{option: "CRASH"}),
                          chunk_rows=4)
    back = _read(tmp_path / "out.csv")
    assert summary.rows == 30 and summary.errors == 1
    errors = back["error"].tolist()
    assert [i for i, e in enumerate(errors) if e] == [17]
    if workers == 2:
        assert errors[17] == "scoring crashed the worker process (killed, or out of memory)"


def test_worker_pool_keeps_order_and_reuses_processes() -> None:
    from ponzidetect.batch import WorkerPool

    factory = functools.partial(fake_factory)
    with WorkerPool(factory, 2) as pool:
        first = list(pool.map(_pid_task, range(8)))
    with WorkerPool(factory, 2) as pool:
        second = list(pool.map(_pid_task, range(8)))
    assert [n for n, _ in first] == list(range(8))
    assert {pid for _, pid in second} <= {pid for _, pid in first}  # the same processes


def _pid_task(scorer: Scorer, item: int) -> tuple[int, int]:
    import os

    return item, os.getpid()
