"""Fuzzing the table path: every input format x every output format, hostile values and bytes.

For each combination the same promises hold: rows out == rows in, ids in order, every row that
was not scored has an ``error``, no spreadsheet cell of the output runs as a formula, and
nothing but a clean ``TabularError`` (a message, not a traceback) ever reaches the caller. Most
cases use the fast fake scorer; the last few go end to end through the CLI with the shipped
model.
"""

from __future__ import annotations

import csv
import json
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from fakes import fake_factory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponzidetect.batch import score_table
from ponzidetect.io import TableWriter, TabularError, read_chunks, unescape_formula

FORMATS = ["csv", "tsv", "jsonl", "parquet", "xlsx"]
RISKY = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
FUZZ = settings(max_examples=int(os.environ.get("PONZIDETECT_FUZZ_EXAMPLES", "10")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Text that hurts: formula starts, quotes and separators, control characters, lone surrogates,
# bidi overrides, astral characters, Chinese, long runs.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from([*'=+-@\t\r\n",;\'\\ \x00\x1b\u202e\ud800\udcff', "保本", "𠮷",
                              "\ufeff", "\u2028", "x"]), max_size=30).map("".join),
    st.sampled_from(["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "=HYPERLINK(\"x\")",
                     "-5", "+8613800000000", "", " ", "null", "[1]", "\x1b[31mred"]),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "保", '"', "\r\n"]),
              st.integers(0, 3000)),
)
IDS = st.one_of(st.integers(-10**6, 10**6).map(str), st.sampled_from(["-5", "+86", "=id", "@x"]))


def _rows_out(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "jsonl" and path.stat().st_size == 0:  # no rows: JSON Lines has no header
        return pd.DataFrame({"id": [], "score": [], "error": []})
    return pd.concat(list(read_chunks(path)), ignore_index=True)


def _check_spreadsheet_cells(path: Path, fmt: str) -> None:
    """No cell of a CSV, TSV or XLSX output can run as a formula."""
    if fmt in ("csv", "tsv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter="," if fmt == "csv" else "\t"):
                for cell in row:
                    assert not (cell[:1] in RISKY and not NUMBER.fullmatch(cell)), cell
    elif fmt == "xlsx":
        with zipfile.ZipFile(path) as archive:
            sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
            for name in sheets:
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def _check_run(source: Path, out_dir: Path, out_fmt: str, ids: list[str]) -> None:
    target = out_dir / f"out.{out_fmt}"
    summary = score_table(source, target, text_column="text", scorer_factory=fake_factory,
                          workers=1, chunk_rows=3)
    back = _rows_out(target, out_fmt)
    assert summary.rows == len(back) == len(ids)
    out_ids = [str(v) for v in back["id"]]
    if out_fmt in ("csv", "tsv"):  # escaped for spreadsheets; the documented undo gives them back
        out_ids = [unescape_formula(v) for v in out_ids]
        ids = [unescape_formula(v) for v in ids]
    assert out_ids == ids
    for score, error in zip(back["score"], back["error"], strict=True):
        missing = score is None or (isinstance(score, float) and pd.isna(score)) or score == ""
        assert missing == bool(error if isinstance(error, str) else "")
    _check_spreadsheet_cells(target, out_fmt)


@pytest.mark.parametrize("out_fmt", FORMATS)
@pytest.mark.parametrize("in_fmt", FORMATS)
@FUZZ
@given(rows=st.lists(st.tuples(IDS, HOSTILE_TEXT), min_size=0, max_size=8))
def test_any_values_through_any_format_pair(tmp_path_factory, in_fmt: str, out_fmt: str,
                                            rows: list[tuple[str, str]]) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    frame = pd.DataFrame({"id": [i for i, _ in rows], "text": [t for _, t in rows]},
                         dtype=object)
    source = folder / f"in.{in_fmt}"
    with TableWriter(source) as writer:
        writer.write(frame)
    if in_fmt == "jsonl" and not rows:  # no rows, no header: an empty file, refused clearly
        with pytest.raises(TabularError, match="is empty"):
            score_table(source, folder / f"out.{out_fmt}", text_column="text",
                        scorer_factory=fake_factory, workers=1)
        return
    written = _rows_out(source, in_fmt)  # what a reader sees is what must come out
    _check_run(source, folder, out_fmt, [str(v) for v in written["id"]])
    assert len(written) == len(rows)


LINE = st.lists(st.sampled_from([*'ab,"\t;=+-@ 保', "\\", "\x1b", "x" * 50]),
                max_size=30).map("".join)


@pytest.mark.parametrize("out_fmt", FORMATS)
@pytest.mark.parametrize("delimiter", [",", "\t"])
@FUZZ
@given(lines=st.lists(LINE, min_size=0, max_size=12), bad=st.sets(st.integers(0, 11)),
       crlf=st.booleans())
def test_hostile_csv_bytes(tmp_path_factory, delimiter: str, out_fmt: str, lines: list[str],
                           bad: set[int], crlf: bool) -> None:
    """Random single-line records with stray quotes and bad bytes (in a UTF-8 file): without
    quotes every line is a row and a bad byte is its row's error; with quotes the run still
    finishes with one output row per record read."""
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / ("in.csv" if delimiter == "," else "in.tsv")
    records = [f"{n}{delimiter}{line}".encode() + (b"\xff" if n in bad else b"")
               for n, line in enumerate(lines)]
    end = b"\r\n" if crlf else b"\n"
    source.write_bytes(end.join([f"id{delimiter}text".encode(), *records]) + end)
    target = folder / f"out.{out_fmt}"
    try:
        summary = score_table(source, target, text_column="text", scorer_factory=fake_factory,
                              workers=1, chunk_rows=4, encoding="utf-8")
    except TabularError:  # a clean message (e.g. the header line itself is unreadable)
        return
    back = _rows_out(target, out_fmt)
    assert summary.rows == len(back)
    if not any('"' in line for line in lines):
        assert [str(v) for v in back["id"]] == [str(n) for n in range(len(lines))]
        errors = ["" if not isinstance(e, str) else e for e in back["error"]]
        assert [bool(e) for e in errors] == [n in bad or cell_empty(lines[n], delimiter)
                                             for n in range(len(lines))]
    _check_spreadsheet_cells(target, out_fmt)


def cell_empty(line: str, delimiter: str) -> bool:
    """Whether the text cell of ``<n><delimiter><line>`` is empty (extra fields join the last)."""
    fields = next(csv.reader([f"0{delimiter}{line}"], delimiter=delimiter))
    return not delimiter.join(fields[1:]).strip()


JSON_LINE = st.one_of(
    st.dictionaries(st.sampled_from(["id", "text", "n", "_raw", "_parse_error", "sheet"]),
                    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                              HOSTILE_TEXT, st.lists(st.integers(), max_size=3)),
                    max_size=5).map(lambda d: json.dumps(d)),
    st.sampled_from(["null", "[1, 2]", '"text"', "{not json", '{"text": "\\udcff"}',
                     '{"text": 1' + "0" * 5000 + "}", '{"a": ' + "[" * 2000 + "]" * 2000 + "}"]),
)


@pytest.mark.parametrize("out_fmt", FORMATS)
@FUZZ
@given(lines=st.lists(JSON_LINE, min_size=1, max_size=10))
def test_hostile_json_lines(tmp_path_factory, out_fmt: str, lines: list[str]) -> None:
    """Every non-blank line is a row, in order; lines that are not objects carry an error."""
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    target = folder / f"out.{out_fmt}"
    try:
        summary = score_table(source, target, text_column="text", scorer_factory=fake_factory,
                              workers=1, chunk_rows=3)
    except TabularError as error:  # no line has a "text" key, or the file is one JSON array
        assert "column 'text' not found" in str(error) or "JSON array" in str(error)
        return
    back = _rows_out(target, out_fmt)
    expected = [line for line in lines if line.strip()]
    assert summary.rows == len(back) == len(expected)
    for line, error in zip(expected, back["error"], strict=True):
        try:
            value = json.JSONDecoder(parse_int=str).decode(line)  # long ints are kept as text
        except (ValueError, RecursionError):
            value = None
        if not isinstance(value, dict):
            assert isinstance(error, str) and error.startswith("line ")
    _check_spreadsheet_cells(target, out_fmt)


# --------------------------------------------------------------------------------------------
# End to end: the CLI with the shipped model (no traceback, rows kept)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "workers"), [("csv-unclosed-quote", 1),
                                               ("xlsx-30-sheets", 1),
                                               ("jsonl-deep-nesting", 1),
                                               ("csv-formula-ids", 2)])
def test_cli_end_to_end_on_crafted_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         name: str, workers: int) -> None:
    from hostile_files import CRAFTED

    from ponzidetect import cli

    case = next(c for c in CRAFTED if c.name == name)
    source = case.build(tmp_path / f"in{case.suffix}", 1)
    code = cli.main(["score", str(source), "-o", str(tmp_path / "out.xlsx"),
                     "--workers", str(workers)])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    back = _rows_out(tmp_path / "out.xlsx", "xlsx")
    assert len(back) == case.rows
    _check_spreadsheet_cells(tmp_path / "out.xlsx", "xlsx")


@pytest.mark.parametrize(("content", "name"), [
    (b"%PDF-1.4 not a table", "in.csv"),
    (b"\x00\x01\x02\x03" * 100, "in.csv"),
    (b"PK\x03\x04garbage", "in.xlsx"),
    (b"PAR1garbage", "in.parquet"),
    (b"", "in.jsonl"),
])
def test_cli_refuses_junk_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         content: bytes, name: str) -> None:
    from ponzidetect import cli

    (tmp_path / name).write_bytes(content)
    code = cli.main(["score", str(tmp_path / name), "-o", str(tmp_path / "out.csv"),
                     "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.startswith("ponzidetect score: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
