"""The defects of issue 13, one test (or table) each: hostile inputs crafted at test time.

Test names start with the defect's number (``test_defect_02_...``). Most use the fast fake
scorer; defects 1, 6 (API) and 14 (API messages) use the shipped or a tiny trained model.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from fakes import fake_factory
from hostile_files import (
    CRAFTED,
    TEXT,
    blank_pdf,
    huge_string_writer,
    paragraph,
    rows_csv,
    shared_strings,
    table,
    write_csv,
    write_docx,
    write_xlsx,
)
from openpyxl import load_workbook

from ponzidetect.batch import score_table
from ponzidetect.tabular import TableWriter, TabularError, read_chunks

ROOT = Path(__file__).resolve().parent.parent
CRAFTED_BY_NAME = {case.name: case for case in CRAFTED}
FIXED = pytest.mark.defect  # each of these failed before the fix (commit 89bf879: strict xfail)


def _score(source: Path, target: Path, **options: object):
    options.setdefault("workers", 1)
    options.setdefault("scorer_factory", fake_factory)
    return score_table(source, target, text_column="text", **options)  # type: ignore[arg-type]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV/TSV output, read with the standard library (not our reader)."""
    delimiter = "\t" if path.suffix == ".tsv" else ","
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _crafted(name: str, folder: Path) -> tuple[Path, int]:
    case = CRAFTED_BY_NAME[name]
    return case.build(folder / f"in{case.suffix}", 1), case.rows


# --------------------------------------------------------------------------------------------
# 1. A model trained in memory is the one the workers use
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from test_model import CONFIG, NEGATIVE, POSITIVE

    from ponzidetect import train_model
    from ponzidetect.dataset import load_labelled

    rows = [{"id": f"p{i}", "text": t, "label": 1, "group": f"gp{i % 8}", "lang": "en"}
            for i, t in enumerate(POSITIVE * 3)]
    rows += [{"id": f"n{i}", "text": t, "label": 0, "group": f"gn{i % 8}", "lang": "en"}
             for i, t in enumerate(NEGATIVE * 3)]
    path = tmp_path_factory.mktemp("tiny") / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return train_model(load_labelled([path]), CONFIG, name="tiny-in-memory")


@FIXED
def test_defect_01_score_many_workers_use_the_model_in_memory(tiny_model) -> None:
    from ponzidetect import Detector

    texts = ["Guaranteed 2% daily returns, paid from new members' deposits.",
             "Our savings account pays 2.1% a year; deposits are insured.",
             "保本保息，日息百分之一，推荐一人拿百分之十。"] * 3
    detector = Detector(tiny_model)
    one = list(detector.score_many(texts, workers=1))
    two = list(detector.score_many(texts, workers=2))
    # one batch in the workers, one text at a time here: equal up to float rounding
    assert [a.probability for a in two] == pytest.approx([a.probability for a in one],
                                                         rel=0, abs=1e-9)
    assert {a.model_version for a in two} == {a.model_version for a in one}
    assert one[0].model_version.startswith("tiny-in-memory@")


# --------------------------------------------------------------------------------------------
# 2-4. Rows lost to quotes, sheets and bytes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["csv-unclosed-quote", "csv-midfile-quote"])
@FIXED
def test_defect_02_stray_quote_costs_one_row(tmp_path: Path, name: str) -> None:
    source, count = _crafted(name, tmp_path)
    summary = _score(source, tmp_path / "out.csv")
    rows = _csv_rows(tmp_path / "out.csv")
    assert summary.rows == len(rows) == count
    assert [row["id"] for row in rows] == [str(i) for i in range(count)]
    assert [i for i, row in enumerate(rows) if row["error"]] == [5]
    assert "line 7: a quote" in rows[5]["error"]  # the header is line 1
    assert rows[6]["text"].startswith((f"{TEXT} 6", "text with")) and rows[6]["error"] == ""


@FIXED
def test_defect_03_every_sheet_is_read(tmp_path: Path) -> None:
    source, count = _crafted("xlsx-30-sheets", tmp_path)
    summary = _score(source, tmp_path / "out.csv")
    rows = _csv_rows(tmp_path / "out.csv")
    assert summary.rows == len(rows) == count == 300
    assert [row["sheet"] for row in rows[::10]] == [f"S{s}" for s in range(30)]
    assert rows[11]["id"] == "1-1"


@pytest.mark.parametrize(("name", "bad_row", "line"), [
    ("csv-bad-byte-in-sample", 10, 12),
    ("csv-bad-byte-late", 39_995, 39_997),
])
@FIXED
def test_defect_04_one_bad_byte_is_one_row_error(tmp_path: Path, name: str, bad_row: int,
                                                 line: int) -> None:
    source, count = _crafted(name, tmp_path)
    summary = _score(source, tmp_path / "out.csv", chunk_rows=5000)
    rows = _csv_rows(tmp_path / "out.csv")
    assert summary.rows == len(rows) == count
    assert [i for i, row in enumerate(rows) if row["error"]] == [bad_row]
    assert rows[bad_row]["error"].startswith(f"line {line}: bytes that are not valid utf-8")
    assert "\ufffd" in rows[bad_row]["text"]
    if name == "csv-bad-byte-in-sample":  # the rest is still read as UTF-8
        assert rows[0]["text"] == "café number 0"


# --------------------------------------------------------------------------------------------
# 5. What the output format cannot hold is visible, and warnings reach the summary
# --------------------------------------------------------------------------------------------


@FIXED
def test_defect_05_xlsx_cut_is_visible_and_reported(tmp_path: Path) -> None:
    source, _ = _crafted("csv-40k-char-cell", tmp_path)
    summary = _score(source, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx", read_only=True).active
    cell = next(iter(sheet.iter_rows(min_row=2, max_row=2, values_only=True)))[1]
    assert len(cell) == 32_767 and cell.endswith("[cut: 40,000 characters]")
    assert any("32,767" in warning for warning in summary.warnings)
    assert "Warning:" in summary.to_text()


@FIXED
def test_defect_05_repaired_rows_reach_the_summary(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ["1,a,u", "2,too,many,fields", "3"])
    summary = _score(source, tmp_path / "out.csv")
    assert summary.rows == 3
    assert any("did not have 3 fields" in warning for warning in summary.warnings)


# --------------------------------------------------------------------------------------------
# 6. One hostile line never kills the batch
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("out_fmt", ["csv", "tsv", "jsonl", "parquet", "xlsx"])
@pytest.mark.parametrize("name", ["jsonl-lone-surrogate", "jsonl-5000-digit-int",
                                  "jsonl-deep-nesting"])
@FIXED
def test_defect_06_hostile_json_lines_cost_at_most_one_row(tmp_path: Path, name: str,
                                                           out_fmt: str) -> None:
    source, count = _crafted(name, tmp_path)
    summary = _score(source, tmp_path / f"out.{out_fmt}")
    back = pd.concat(list(read_chunks(tmp_path / f"out.{out_fmt}")), ignore_index=True)
    assert summary.rows == len(back) == count
    errors = [e for e in back["error"].fillna("") if e]
    if name == "jsonl-deep-nesting":
        assert errors == ["line 1: JSON nested deeper than 100 levels"]
    else:
        assert errors == []
    if name == "jsonl-5000-digit-int":
        assert str(back["id"][0]) == "9" * 5000


@FIXED
def test_defect_06_api_frame_with_a_lone_surrogate_keeps_every_row() -> None:
    from ponzidetect import Detector

    frame = pd.DataFrame({"id": [1, 2], "text": ["bad \udcff escape, 2% daily", "fine text"]},
                         dtype=object)  # pandas' own string dtype cannot even hold one
    scored = Detector().score_frame(frame, text_column="text")
    assert scored["error"].tolist() == ["", ""]
    assert scored["score"].notna().all()


# --------------------------------------------------------------------------------------------
# 7. A malformed model directory is refused with a clear ModelError
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_dir(tiny_model, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("model") / "tiny"
    import dataclasses

    dataclasses.replace(tiny_model, meta=dict(tiny_model.meta)).save(folder)
    return folder


def _edit_booster_same_length(folder: Path) -> None:
    text = (folder / "booster.txt").read_text("utf-8")
    at = text.index("leaf_value=") + len("leaf_value=")
    digit = next(i for i in range(at, len(text)) if text[i].isdigit())
    flipped = "1" if text[digit] != "1" else "2"
    (folder / "booster.txt").write_text(text[:digit] + flipped + text[digit + 1:], "utf-8")


def _drop(key: str):
    return lambda meta: meta.pop(key)


def _set(path: str, value: object):
    def edit(meta: dict) -> None:
        *parents, last = path.split(".")
        target = meta
        for parent in parents:
            target = target[parent]
        target[last] = value
    return edit


def _case(edit, booster_edit, message: str, case_id: str, marks=FIXED):
    return pytest.param(edit, booster_edit, message, id=case_id, marks=marks)


META_EDITS = [
    _case(_drop("booster_sha256"), None, "booster_sha256", "checksum-missing"),
    _case(_drop("booster_sha256"), _edit_booster_same_length, "booster_sha256",
          "checksum-missing-and-booster-edited"),
    _case(None, _edit_booster_same_length, "checksum", "booster-edited", marks=()),  # was fine
    _case(_set("booster_sha256", "abc"), None, "booster_sha256", "checksum-not-hex"),
    _case(_set("combiner.intercept", "x"), None, "combiner.intercept", "combiner-text"),
    _case(_drop("thresholds"), None, "thresholds", "thresholds-missing"),
    _case(_set("thresholds.high", 7), None, "thresholds.high", "threshold-above-1"),
    _case(_set("feature_names", "abc"), None, "feature_names", "features-text"),
    _case(_set("schema_version", "1"), None, "schema_version", "schema-text"),
    _case(_set("text_channel", {"intercept": "high"}), None, "text_channel.intercept",
          "intercept-text"),
    _case(_set("flag_versions", {"x": "1"}), None, "flag_versions", "versions-text"),
    _case(_set("name", ["a"]), None, "name", "name-list"),
]


@FIXED
@pytest.mark.parametrize(("edit", "booster_edit", "message"), META_EDITS)
def test_defect_07_malformed_model_directory(model_dir: Path, tmp_path: Path, edit, booster_edit,
                                             message: str) -> None:
    from ponzidetect import ModelError, load_model

    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    meta = json.loads((copy / "meta.json").read_text("utf-8"))
    if edit is not None:
        edit(meta)
    (copy / "meta.json").write_text(json.dumps(meta), "utf-8")
    if booster_edit is not None:
        booster_edit(copy)
    with pytest.raises(ModelError, match=message):
        load_model(copy)


@pytest.mark.parametrize(("meta_text", "message"), [
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "meta.json"),
    ("[1, 2]", "meta.json"),
    ('{"schema_version": 1, "n": ' + "9" * 5000 + "}", "meta.json"),
])
@FIXED
def test_defect_07_unreadable_meta_json(model_dir: Path, tmp_path: Path, meta_text: str,
                                        message: str) -> None:
    from ponzidetect import ModelError, load_model

    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    (copy / "meta.json").write_text(meta_text, "utf-8")
    with pytest.raises(ModelError, match=message):
        load_model(copy)


@FIXED
def test_defect_07_corrupt_booster_without_checksum_is_an_error_not_a_crash(
        model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    meta = json.loads((copy / "meta.json").read_text("utf-8"))
    meta.pop("booster_sha256")
    (copy / "meta.json").write_text(json.dumps(meta), "utf-8")
    text = (copy / "booster.txt").read_text("utf-8")
    (copy / "booster.txt").write_text(text[: len(text) // 2], "utf-8")
    script = ("import sys\nfrom ponzidetect import ModelError, load_model\ntry:\n"
              f"    load_model({str(copy)!r})\nexcept ModelError as e:\n    print('ModelError', e)\n"
              "    sys.exit(3)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "booster_sha256" in result.stdout


# --------------------------------------------------------------------------------------------
# 8-9. Small files that cost time or memory
# --------------------------------------------------------------------------------------------


def _count_opens(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    opened: list[int] = []
    original = Path.open

    def counting(self: Path, *args: object, **kwargs: object):
        if self.name == name:
            opened.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", counting)
    return opened


@FIXED
def test_defect_08_undecodable_lines_are_read_in_a_bounded_number_of_passes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, count = _crafted("jsonl-10k-undecodable-lines", tmp_path)
    opened = _count_opens(monkeypatch, source.name)
    summary = _score(source, tmp_path / "out.csv", encoding="utf-8")
    assert summary.rows == count and summary.errors == count // 2
    assert len(opened) <= 4  # sniffing, the key pass, the row pass: not once per bad line


@FIXED
def test_defect_09_xlsx_is_opened_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    source, _ = _crafted("xlsx-30-sheets", tmp_path)
    opened: list[int] = []
    original = zipfile.ZipFile.__init__

    def counting(self: zipfile.ZipFile, file: object, *args: object, **kwargs: object) -> None:
        if Path(str(file)).name == source.name:
            opened.append(1)
        original(self, file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counting)
    _score(source, tmp_path / "out.csv")
    assert len(opened) == 1


@FIXED
def test_defect_09_shared_strings_past_the_limit_fail_their_rows(tmp_path: Path) -> None:
    from ponzidetect.io import Limits, open_table

    rows = [["id", "text"], *[[i, ("s", i)] for i in range(6)]]
    source = write_xlsx(tmp_path / "in.xlsx", [("Data", rows)], shared=shared_strings(
        (f"{TEXT} {i}" for i in range(50_000)), 50_000))
    limits = Limits(shared_strings=4)
    with open_table(source, limits=limits) as reader:
        (chunk,) = list(reader.chunks())
    assert chunk.frame["text"].tolist()[:3] == [f"{TEXT} 0", f"{TEXT} 1", f"{TEXT} 2"]
    assert chunk.errors[:3] == ("", "", "")
    assert all("more than 4 shared strings" in error for error in chunk.errors[4:])


@FIXED
def test_defect_09_one_huge_shared_string_fails_its_row_only(tmp_path: Path) -> None:
    from ponzidetect.io import Limits, open_table

    rows = [["id", "text"], [1, ("s", 0)], [2, ("s", 1)]]
    source = write_xlsx(tmp_path / "in.xlsx", [("Data", rows)],
                        shared=huge_string_writer(3_000_000))
    with open_table(source, limits=Limits(cell_chars=1_000)) as reader:
        (chunk,) = list(reader.chunks())
    assert [len(v) for v in chunk.frame["text"]] == [1_000, len(TEXT)]
    assert chunk.errors[0] == "row 2: a cell longer than 1,000 characters was cut"
    assert chunk.errors[1] == ""


@FIXED
def test_defect_09_jsonl_keys_beyond_the_limit_go_to_one_column(tmp_path: Path) -> None:
    source, count = _crafted("jsonl-10k-distinct-keys", tmp_path)
    summary = _score(source, tmp_path / "out.jsonl")
    first = json.loads((tmp_path / "out.jsonl").read_text("utf-8").splitlines()[-1])
    assert summary.rows == count
    assert len(first) <= 1_000 + 5  # id, text, 998 more keys, _extra, the four result columns
    assert json.loads(first["_extra"]) == {"key_9999": 9999}
    assert any("_extra" in warning for warning in summary.warnings)


@FIXED
def test_defect_09_docx_text_past_the_limit_is_refused(tmp_path: Path) -> None:
    from ponzidetect.textio import TextDecodeError, document_text

    run = "<w:r><w:t>" + "a" * 1000 + "</w:t></w:r>"
    path = write_docx(tmp_path / "bomb.docx", ("<w:p>" + run * 100 + "</w:p>" for _ in range(30)))
    with pytest.raises(TextDecodeError, match="more than 1,000,000 characters"):
        document_text(path.name, path.read_bytes())


# --------------------------------------------------------------------------------------------
# 10-12. Security and process hygiene
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [pytest.param("tsv", marks=FIXED), "csv"])
def test_defect_10_carriage_return_stays_in_its_cell(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    with TableWriter(path) as writer:
        writer.write(pd.DataFrame({"id": ["1", "2"], "text": ["a\r=1+1", "b\n=2+2"]}))
    rows = _csv_rows(path)
    assert [row["text"] for row in rows] == ["a\r=1+1", "b\n=2+2"]
    for row in rows:
        assert not any(value.startswith("=") for value in row.values())


@FIXED
def test_defect_11_a_parse_error_column_is_just_data(tmp_path: Path) -> None:
    source, count = _crafted("csv-_parse_error-column", tmp_path)
    summary = _score(source, tmp_path / "out.csv")
    rows = _csv_rows(tmp_path / "out.csv")
    assert summary.rows == count and summary.errors == 0
    assert rows[0]["_parse_error"] == "\x1b[31mnot an error\x1b[0m"


@FIXED
def test_defect_11_no_escape_sequence_reaches_the_terminal(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    from ponzidetect import cli

    source = write_csv(tmp_path / "in\x1b[2J.csv", ["1,a"], header="id,\x1b[31mbody")
    code = cli.main(["score", str(source), "-o", str(tmp_path / "out\x1b[5m.csv"),
                     "--workers", "1", "--text-column", "text"])
    err = capsys.readouterr().err
    assert code == 2 and "\x1b" not in err and "\\x1b[31mbody" in err
    code = cli.main(["score", str(source), "-o", str(tmp_path / "out\x1b[5m.csv"),
                     "--workers", "1"])  # the guessed column is announced, escaped
    err = capsys.readouterr().err
    assert code == 0 and "\x1b" not in err and "\\x1b[31mbody" in err
    source = write_csv(tmp_path / "ok.csv", ["1,a"], header="id,text")
    text = _score(source, tmp_path / "out\x1b[31m.csv").to_text()
    assert "\x1b" not in text


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find worker processes")
@FIXED
def test_defect_12_sigterm_leaves_no_part_file_and_no_worker(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", rows_csv(4000))
    driver = tmp_path / "driver.py"
    driver.write_text(
        "import functools, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from fakes import fake_factory\n"
        "from ponzidetect.batch import score_table\n"
        "if __name__ == '__main__':\n"
        "    try:\n"
        f"        score_table({str(source)!r}, {str(tmp_path / 'out.csv')!r}, text_column='text',\n"
        "                    scorer_factory=functools.partial(fake_factory, delay=0.2),\n"
        f"                    workers=2, chunk_rows=5, explain_path={str(tmp_path / 'why.jsonl')!r})\n"
        "    except KeyboardInterrupt:\n"
        "        sys.exit(143)\n", encoding="utf-8")
    log = (tmp_path / "driver.log").open("wb")  # not a pipe: a worker left behind would hold it
    process = subprocess.Popen([sys.executable, str(driver)], cwd=tmp_path, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        parts = lambda: sorted(p.name for p in tmp_path.glob(".*.part"))  # noqa: E731
        assert _wait(lambda: len(parts()) == 2 and len(_descendants(process.pid)) >= 2, 120), \
            "the run did not start"
        time.sleep(1.0)  # let the workers get busy
        workers = _descendants(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    assert process.returncode == 143, (tmp_path / "driver.log").read_text()[-2000:]
    assert parts() == [] and not (tmp_path / "out.csv").exists()
    assert _wait(lambda: not any(_alive(pid) for pid in workers), 60), "workers left running"


# --------------------------------------------------------------------------------------------
# 13. Documents: every part of a DOCX, and a PDF with no text layer
# --------------------------------------------------------------------------------------------


@FIXED
def test_defect_13_docx_tables_and_headers_are_read(tmp_path: Path) -> None:
    from ponzidetect.textio import document_text

    path = write_docx(tmp_path / "pitch.docx",
                      [paragraph("Body text here."),
                       table([["Plan", "Daily"], ["VIP", "3% guaranteed"]])],
                      header_text="Header: referral bonus 10 levels")
    text = document_text(path.name, path.read_bytes())
    for expected in ("Body text here.", "3% guaranteed", "VIP", "referral bonus 10 levels"):
        assert expected in text


@FIXED
def test_defect_13_pdf_without_text_layer_is_an_error(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from ponzidetect import cli
    from ponzidetect.textio import TextDecodeError, document_text

    path = blank_pdf(tmp_path / "scan.pdf")
    with pytest.raises(TextDecodeError, match="no text could be read"):
        document_text(path.name, path.read_bytes())
    assert cli.main(["flags", str(path)]) == 2
    out = capsys.readouterr()
    assert "no red flags found" not in out.out and "no text layer" in out.err


# --------------------------------------------------------------------------------------------
# 14. Misleading output
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", [None, "utf-16-le"])
@FIXED
def test_defect_14_utf16_without_bom_is_read(tmp_path: Path, encoding: str | None) -> None:
    source, count = _crafted("csv-utf16le-no-bom", tmp_path)
    summary = _score(source, tmp_path / "out.csv", encoding=encoding)
    rows = _csv_rows(tmp_path / "out.csv")
    assert summary.rows == count and summary.errors == 0
    assert rows[0]["text"].startswith("保本保息")


@pytest.mark.parametrize("encoding", [pytest.param(None, marks=FIXED), "utf-16-le"])
def test_defect_14_utf16_document_without_bom_is_read(encoding: str | None) -> None:
    from ponzidetect.textio import document_text

    text = "保本保息，日息百分之二，推荐一人拿百分之十。十代收益！"
    assert document_text("pitch.txt", text.encode("utf-16-le"), encoding) == text


@FIXED
def test_defect_14_messages_name_options_that_exist(tmp_path: Path) -> None:
    from ponzidetect.cli import build_parser

    path = tmp_path / "table.xlsx"
    path.write_text("id,text\n1,a\n", encoding="utf-8")
    with pytest.raises(TabularError) as caught:
        list(read_chunks(path))
    assert "fmt='" not in str(caught.value) and "--input-format csv" in str(caught.value)
    args = build_parser().parse_args(["score", "in.txt", "-o", "out.xlsx", "--input-format",
                                      "csv", "--output-format", "xlsx"])
    assert (args.input_format, args.output_format) == ("csv", "xlsx")


@FIXED
def test_defect_14_missing_cells_and_null_lines_say_so(tmp_path: Path) -> None:
    from ponzidetect import Detector

    frame = pd.DataFrame({"text": ["保本保息，日息百分之二", None, float("nan"), ""]})
    scored = Detector().score_frame(frame, text_column="text")
    assert scored["error"].tolist() == ["", "empty text", "empty text", "empty text"]
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "ok"}\nnull\n[1]\n', encoding="utf-8")
    _score(source, tmp_path / "out.csv")
    errors = [row["error"] for row in _csv_rows(tmp_path / "out.csv")]
    assert errors[1].startswith("line 2: a JSON null, not an object")
    assert errors[2].startswith("line 3: a JSON array, not an object")


@FIXED
def test_defect_14_ids_stay_joinable_and_text_stays_inert(tmp_path: Path) -> None:
    source, _ = _crafted("csv-formula-ids", tmp_path)
    _score(source, tmp_path / "out.csv")
    rows = _csv_rows(tmp_path / "out.csv")
    assert [row["id"] for row in rows] == ["-5", "+8613800000000", "'@me"]
    assert [row["text"] for row in rows] == ["'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0",
                                             "'-2+3"]
    _score(source, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    cells = [sheet.cell(row=r, column=2) for r in range(2, 5)]
    assert [c.value for c in cells] == ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3"]
    assert {c.data_type for c in cells} == {"s"}


@FIXED
def test_every_crafted_table_keeps_every_row(tmp_path: Path) -> None:
    """The fast crafted files (the bombs are in bench/bench_hostile.py), through the CLI path."""
    for case in CRAFTED:
        if case.name in ("xlsx-shared-strings-bomb", "xlsx-strings-bomb-last-ref",
                         "xlsx-200mb-shared-string", "csv-bad-byte-late"):
            continue
        folder = tmp_path / case.name
        folder.mkdir()
        source = case.build(folder / f"in{case.suffix}", 1)
        summary = _score(source, folder / "out.csv")
        assert summary.rows == len(_csv_rows(folder / "out.csv")) == case.rows, case.name

