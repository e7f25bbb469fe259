"""Reading and writing tables: formats, encodings, malformed rows, binary junk, atomic writes.

The hostile cases of issue 13 are in ``test_hostile.py``; the format x format fuzzing in
``test_fuzz.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from ponzidetect.io import (
    ROW_ERRORS,
    Limits,
    TableWriter,
    TabularError,
    detect_encoding,
    detect_format,
    escape_formula,
    guess_encoding,
    list_columns,
    missing_column_message,
    open_table,
    read_chunks,
    unescape_formula,
)
from ponzidetect.io.lines import physical_lines

RAW_COLUMN = "_raw"

FORMATS = ["csv", "tsv", "jsonl", "parquet", "xlsx"]
TEXTS = [
    "保本保息，日息百分之二，推荐一人拿百分之十",
    "Guaranteed 2% daily, \"no risk\", invite friends",
    "two\nlines, with a comma",
    "tab\tinside",
    "",
]
CHINESE_CSV = "id,text\n1,保本保息，日息百分之二\n2,推荐一人拿百分之十，十代收益\n3,plain ASCII\n"


def _read_all(path: Path, **kwargs: object) -> pd.DataFrame:
    return pd.concat(list(read_chunks(path, **kwargs)), ignore_index=True)


def _errors(path: Path, **kwargs: object) -> list[str]:
    return [error for frame in read_chunks(path, **kwargs) for error in frame.attrs[ROW_ERRORS]]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_rows_order_and_text(tmp_path: Path, fmt: str) -> None:
    frame = pd.DataFrame({"id": [str(i) for i in range(len(TEXTS))], "text": TEXTS})
    path = tmp_path / f"table.{fmt}"
    with TableWriter(path) as writer:
        writer.write(frame.iloc[:2])
        writer.write(frame.iloc[2:])
    back = _read_all(path, chunk_rows=2)
    assert list(back.columns) == ["id", "text"]
    assert [str(v) for v in back["id"]] == list(frame["id"])
    texts = ["" if v is None else v for v in back["text"]]  # XLSX has no empty strings
    assert texts == TEXTS
    assert _files(tmp_path) == [path.name]


@pytest.mark.parametrize(("name", "fmt"), [
    ("a.csv", "csv"), ("a.TXT", "csv"), ("a.tsv", "tsv"), ("a.tab", "tsv"),
    ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.json", "jsonl"),
])
def test_detect_format_from_extension(tmp_path: Path, name: str, fmt: str) -> None:
    path = tmp_path / name
    path.write_text('{"id": 1}\n' if fmt == "jsonl" else "id,text\n1,a\n", encoding="utf-8")
    assert detect_format(path) == fmt


@pytest.mark.parametrize(("fmt", "name"), [("parquet", "a.parquet"), ("parquet", "a.pq"),
                                           ("xlsx", "a.xlsx")])
def test_detect_format_binary_containers(tmp_path: Path, fmt: str, name: str) -> None:
    path = tmp_path / name
    with TableWriter(path, fmt) as writer:
        writer.write(pd.DataFrame({"text": ["x"]}))
    assert detect_format(path) == fmt


@pytest.mark.parametrize(("written", "detected"), [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("gbk", "gb18030"),
    ("gb18030", "gb18030"),
    ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16-le"),  # no BOM: recognised by its NUL pattern
    ("big5", "big5"),
])
def test_encoding_detected_and_decoded(tmp_path: Path, written: str, detected: str) -> None:
    text = CHINESE_CSV
    if written == "gb18030":
        text += "4,欧元€与𠮷字只在GB18030里\n"  # outside GBK: needs the 4-byte forms
    if written == "big5":
        text = text.replace("推荐", "推薦").replace("十代收益", "十代收益獎勵")
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode(written))
    assert detect_encoding(path) == detected
    back = _read_all(path)
    expected = [line.split(",", 1)[1] for line in text.splitlines()[1:]]
    assert list(back["text"]) == expected


def test_encoding_detection_looks_past_an_ascii_start(tmp_path: Path) -> None:
    ascii_rows = "".join(f"{i},row number {i} is plain ASCII text\n" for i in range(40_000))
    path = tmp_path / "late.csv"
    path.write_bytes(("id,text\n" + ascii_rows + "9,保本保息，日息百分之二\n").encode("gbk"))
    assert path.stat().st_size > 1 << 20
    assert detect_encoding(path) == "gb18030"


@pytest.mark.parametrize(("encoding", "expected"), [("gbk", "保本保息，日息百分之二"),
                                                    ("latin-1", "±£±¾±£Ï¢£¬ÈÕÏ¢°Ù·ÖÖ®¶þ")])
def test_forced_encoding_wins(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(CHINESE_CSV.encode("gbk"))
    assert _read_all(path, encoding=encoding)["text"][0] == expected


def test_unknown_encoding_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(CHINESE_CSV.encode("gbk"))
    with pytest.raises(TabularError, match="gb18030"):
        _read_all(path, encoding="no-such-codec")


def test_wrong_encoding_gives_row_errors_that_say_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(CHINESE_CSV.encode("gbk"))
    errors = _errors(path, encoding="utf-8")
    assert [bool(error) for error in errors] == [True, True, False]  # row 3 is ASCII
    assert errors[0].startswith("line 2: bytes that are not valid utf-8") and "gb18030" in errors[0]


@pytest.mark.parametrize(("data", "final", "expected"), [
    pytest.param("保本保息，日息百分之二".encode("gbk"), True, "gb18030", id="gbk"),
    pytest.param("推薦一人拿百分之十，十代收益獎勵".encode("big5"), True, "big5", id="big5"),
    pytest.param("café crème brûlée, déjà vu".encode("cp1252"), True, "cp1252", id="cp1252"),
    pytest.param(b"plain", True, "utf-8", id="ascii"),
    pytest.param("café ".encode() * 20 + b"\xff", True, "utf-8", id="utf8-one-bad-byte"),
    pytest.param(b"id,text\n1,caf\xe9\n", True, "utf-8", id="one-stray-byte-is-damage"),
    pytest.param("保本保息，推荐".encode()[:-1], False, "utf-8", id="cut-mid-character"),
    pytest.param("id,text\n1,保本保息\n".encode("utf-16-le"), False, "utf-16-le",
                 id="utf16le-nul-pattern"),
    pytest.param("保本保息日息百分之二推荐一人拿百分之十".encode("utf-16-be"), True, "utf-16-be",
                 id="utf16be-no-ascii"),
    pytest.param("\ufeffid,text\n".encode("utf-8"), True, "utf-8-sig", id="bom"),
])
def test_guess_encoding(data: bytes, final: bool, expected: str) -> None:
    assert guess_encoding(data, final=final) == expected


@pytest.mark.parametrize(("data", "universal", "expected"), [
    (b"a\r\nb\rc\nd", True, ["a\r\n", "b\r", "c\n", "d"]),
    (b"a\r\nb\rc\nd", False, ["a\r\n", "b\rc\n", "d"]),
    (b"x\r", True, ["x\r"]),
    (b"\n\n", True, ["\n", "\n"]),
    (b"0123456789\nab\n", True, [None, "ab\n"]),  # past max_chars: skipped, not held
    (b"caf\xc3\xa9\n\xff\n", True, ["café\n", "\ud800\n"]),  # a bad byte is marked
])
@pytest.mark.parametrize("block", [2, 3, 1 << 20])
def test_physical_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes,
                        universal: bool, expected: list[str | None], block: int) -> None:
    monkeypatch.setattr("ponzidetect.io.lines.BLOCK_BYTES", block)
    path = tmp_path / "lines.txt"
    path.write_bytes(data)
    lines = list(physical_lines(path, "utf-8", max_chars=8, universal=universal))
    assert [line for _, line in lines] == expected
    assert [number for number, _ in lines] == list(range(1, len(expected) + 1))


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param("id,text,url\n1,a,u\n2,too,many,fields\n3,b,u\n",
                 [["1", "a", "u"], ["2", "too", "many,fields"], ["3", "b", "u"]], id="too-many"),
    pytest.param("id,text,url\n1,a,u\n2,short\n3\n",
                 [["1", "a", "u"], ["2", "short", ""], ["3", "", ""]], id="too-few"),
    pytest.param('id,text,url\n1,a,u\n2,"never closed,u\n',
                 [["1", "a", "u"], ["2", "never closed,u\n", ""]], id="unclosed-quote-at-end"),
    pytest.param('id,text,url\n1,"a\r\nb",u\r\n2,"x ""y""",u\r\n',
                 [["1", "a\r\nb", "u"], ["2", 'x "y"', "u"]], id="crlf-kept-inside-quotes"),
    pytest.param('id,text,url\n1,"Quote" then text,u\n2,b,u\n',
                 [["1", "Quote then text", "u"], ["2", "b", "u"]], id="text-after-closing-quote"),
    pytest.param("id,text,url\r1,a,u\r2,b,u\r", [["1", "a", "u"], ["2", "b", "u"]],
                 id="old-mac-line-ends"),
    pytest.param('id,text,url\n1,"multi\nline ""quoted""",u\n,,\n\n2,b,u\n',
                 [["1", 'multi\nline "quoted"', "u"], ["", "", ""], ["2", "b", "u"]],
                 id="multiline-empty-record-blank-line"),
    pytest.param("id\ttext\turl\n1\tx\ty\tz\n2\n", [["1", "x", "y\tz"], ["2", "", ""]],
                 id="tsv-ragged"),
])
def test_malformed_rows_are_kept(tmp_path: Path, content: str, expected: list[list[str]]) -> None:
    path = tmp_path / ("in.tsv" if "\t" in content.split("\n")[0] else "in.csv")
    path.write_text(content, encoding="utf-8")
    back = _read_all(path, chunk_rows=1)
    assert back.values.tolist() == expected


def test_jsonl_invalid_lines_become_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": 1, "text": "a"}\n\nnot json\n[1, 2]\n{"id": 2, "text": "\xff"}\n'
                     b'{"id": 3, "text": "b", "extra": {"k": 1}}\n')
    back = _read_all(path, encoding="utf-8", chunk_rows=2)
    errors = _errors(path, encoding="utf-8", chunk_rows=2)
    assert list(back.columns) == ["id", "text", "extra", RAW_COLUMN]
    assert list(back["id"]) == [1, None, None, None, 3]
    assert list(back[RAW_COLUMN]) == [None, "not json", "[1, 2]", '{"id": 2, "text": "\ufffd"}',
                                      None]
    assert errors[0] == errors[4] == ""
    assert errors[1].startswith("line 3: invalid JSON")
    assert errors[2].startswith("line 4: a JSON array, not an object")
    assert errors[3].startswith("line 5: bytes that are not valid utf-8")
    assert back["extra"][4] == {"k": 1}


def test_jsonl_raw_column_does_not_take_an_input_key(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"_raw": "mine", "text": "a"}\nnot json\n', encoding="utf-8")
    back = _read_all(path)
    assert list(back.columns) == ["_raw", "text", "ponzidetect_raw"]
    assert back["_raw"].tolist() == ["mine", None]
    assert back["ponzidetect_raw"].tolist() == [None, "not json"]


@pytest.mark.parametrize(("limits", "content", "error"), [
    (Limits(record_chars=50), "id,text\n1," + "x" * 60 + "\n2,ok\n", "line 2: longer than 50"),
    (Limits(cell_chars=10), "id,text\n1," + "x" * 20 + "\n2,ok\n",
     "line 2: a cell longer than 10 characters was cut"),
    (Limits(record_lines=3), 'id,text\n1,"a\nb\nc\nd\ne"\n2,ok\n', "line 2: a quote"),
])
def test_csv_limits_fail_one_record(tmp_path: Path, limits: Limits, content: str,
                                    error: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    with open_table(path, limits=limits) as reader:
        chunks = list(reader.chunks())
    errors = [e for chunk in chunks for e in chunk.errors]
    frame = pd.concat([chunk.frame for chunk in chunks], ignore_index=True)
    assert errors[0].startswith(error)
    assert frame["id"].tolist()[-1] == "2" and errors[-1] == ""


def test_xlsx_sheets_union_and_sheet_column(tmp_path: Path) -> None:
    from hostile_files import write_xlsx

    path = write_xlsx(tmp_path / "book.xlsx", [
        ("First", [["id", "text"], [1, "a"], [None, None], [2, "b"]]),
        ("Empty", []),
        ("Second", [["text", "sheet", "note"], ["c", "mine", "n"]]),
    ])
    back = _read_all(path)
    assert list(back.columns) == ["id", "text", "sheet", "note", "ponzidetect_sheet"]
    assert back["text"].tolist() == ["a", "b", "c"]
    assert back["ponzidetect_sheet"].tolist() == ["First", "First", "Second"]
    assert back["sheet"].tolist() == [None, None, "mine"]


def test_xlsx_dates_and_numbers_keep_their_types(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "t.xlsx"
    when = dt.datetime(2024, 3, 1, 12, 30)
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"n": [1, 2], "x": [1.5, -2.0], "when": [when, when],
                                   "flag": [True, False]}, dtype=object))
    back = _read_all(path)
    assert back["n"].tolist() == [1, 2] and back["x"].tolist() == [1.5, -2.0]
    assert back["when"].tolist() == [when, when] and back["flag"].tolist() == [True, False]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("input.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", r"input.csv looks like a binary file "
     r"\(PDF\), not CSV"),
    ("input.csv", b"PK\x03\x04\x14\x00\x06\x00", r"\(ZIP\), not CSV; .*rename it to \.xlsx"),
    ("input.tsv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"\(PNG image\), not TSV"),
    ("input.jsonl", b"\x7fELF\x02\x01\x01\x00\x00", r"\(ELF\), not JSONL"),
    ("input.csv", b"id,text\n1,a" + b"\x00\x00\x01\x02\x03b" * 20 + b"\n", r"contains NUL bytes"),
    ("input.csv", b"\x1f\x8b\x08\x00\x00\x00", r"\(gzip\).*decompress"),
    ("input.xlsx", b"id,text\n1,a\n", r"not an XLSX workbook.*rename it to \.csv"),
    ("input.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", r"old Excel \.xls"),
    ("input.parquet", b"id,text\n", r"not a Parquet file"),
    ("input.json", b'[{"id": 1}]', r"JSON array, not JSON Lines.*jq"),
    ("input.xls", b"\xd0\xcf\x11\xe0", r"old Excel \.xls file"),
    ("input.docx", b"PK\x03\x04", r"cannot tell the table format"),
    ("input.csv", b"", r"input.csv is empty"),
])
def test_binary_or_wrong_file_refused(tmp_path: Path, name: str, content: bytes,
                                      message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TabularError, match=message):
        read_chunks(path)


def test_a_few_nul_bytes_are_data_not_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    rows = b"".join(b"%d,an ordinary row of text\n" % i for i in range(10))
    path.write_bytes(b"id,text\n1,a\x00b\n" + rows)
    assert _read_all(path)["text"].tolist()[:2] == ["a\x00b", "an ordinary row of text"]


def test_missing_file_refused(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match="not found"):
        list_columns(tmp_path / "nope.csv")


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_columns_reads_the_header(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"t.{fmt}"
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"id": ["1"], "text": ["a"], "url": ["u"]}))
    assert list_columns(path) == ["id", "text", "url"]


def test_header_names_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("text,text,,id\n", encoding="utf-8")
    assert list_columns(path) == ["text", "text.1", "Unnamed: 2", "id"]
    (frame,) = read_chunks(path)  # header only: one empty frame that still has the columns
    assert frame.empty and list(frame.columns) == ["text", "text.1", "Unnamed: 2", "id"]


@pytest.mark.parametrize(("column", "expected"), [
    ("desc", "column 'desc' not found in t.csv; columns are: id, text, url"),
    ("Text", "(did you mean 'text'?)"),
])
def test_missing_column_message(column: str, expected: str) -> None:
    assert expected in missing_column_message(column, ["id", "text", "url"], "t.csv")


@pytest.mark.parametrize(("value", "expected"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@x", "'@x"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"),
    ("+86 138 0000 0000", "'+86 138 0000 0000"), ("-", "'-"),
    # numbers stay as they are: a spreadsheet reads them as numbers, and ids stay joinable
    ("+1", "+1"), ("-2", "-2"), ("-5", "-5"), ("+8613800000000", "+8613800000000"),
    ("-1.5e3", "-1.5e3"), ("+.5", "+.5"),
    ("safe", "safe"), ("a=b", "a=b"), ("", ""), (-2, -2), (1.5, 1.5), (None, None),
])
def test_escape_formula(value: object, expected: object) -> None:
    assert escape_formula(value) == expected
    assert unescape_formula(escape_formula(value)) == value


RISKY = ["=SUM(A1)", "+1", "-2", "@x"]


@pytest.mark.parametrize(("fmt", "expected"), [
    ("csv", ["'=SUM(A1)", "+1", "-2", "'@x"]),
    ("tsv", ["'=SUM(A1)", "+1", "-2", "'@x"]),
    ("xlsx", RISKY),  # string cells: the exact text, never evaluated
    ("jsonl", RISKY),
    ("parquet", RISKY),
])
def test_formula_escaping_by_format(tmp_path: Path, fmt: str, expected: list[str]) -> None:
    path = tmp_path / f"out.{fmt}"
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"text": RISKY, "n": [-1, 2, -3, 4]}))
    if fmt == "xlsx":
        sheet = load_workbook(path).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == expected
        assert [row[1] for row in rows] == [-1, 2, -3, 4]  # numbers stay numbers
        assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 6))
    else:
        assert list(_read_all(path)["text"]) == expected


def test_csv_is_written_with_bom_for_excel(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"text": ["中文"]}))
    assert path.read_bytes().startswith(b"\xef\xbb\xbftext\r\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_writer_is_atomic(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    with pytest.raises(KeyboardInterrupt), TableWriter(path) as writer:
        writer.write(pd.DataFrame({"text": ["a", "b"]}))
        raise KeyboardInterrupt
    assert _files(tmp_path) == []


def test_failed_write_leaves_existing_target_alone(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), TableWriter(path) as writer:
        writer.write(pd.DataFrame({"text": ["new"]}))
        raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old"
    assert _files(tmp_path) == ["out.csv"]


def test_writer_refuses_new_columns_midway(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with pytest.raises(TabularError, match="same columns"), TableWriter(path) as writer:
        writer.write(pd.DataFrame({"a": ["1"]}))
        writer.write(pd.DataFrame({"a": ["2"], "b": ["3"]}))
    assert _files(tmp_path) == []


def test_parquet_object_columns_become_strings(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"v": [1, None]}, dtype=object))
        writer.write(pd.DataFrame({"v": ["text", {"k": 1}]}, dtype=object))
    values = [None if pd.isna(v) else v for v in _read_all(path)["v"]]
    assert values == ["1", None, "text", '{"k": 1}']


@pytest.mark.parametrize(("rows", "chunk_rows", "sizes"), [(10, 3, [3, 3, 3, 1]), (4, 4, [4])])
@pytest.mark.parametrize("fmt", FORMATS)
def test_chunks_have_the_requested_size(tmp_path: Path, fmt: str, rows: int, chunk_rows: int,
                                        sizes: list[int]) -> None:
    path = tmp_path / f"t.{fmt}"
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"id": [str(i) for i in range(rows)], "text": ["x"] * rows}))
    chunks = list(read_chunks(path, chunk_rows=chunk_rows))
    assert [len(chunk) for chunk in chunks] == sizes
    assert list(pd.concat(chunks)["id"].astype(str)) == [str(i) for i in range(rows)]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "xlsx"])  # JSONL has no header
def test_empty_table_gives_one_empty_frame_with_columns(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"t.{fmt}"
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"id": [], "text": []}, dtype=object))
    (frame,) = read_chunks(path)
    assert frame.empty and list(frame.columns) == ["id", "text"]
