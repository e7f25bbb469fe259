"""ponzidetect on Dask: a real LocalCluster (2 worker processes) scores folders of partitions.

One cluster serves the module (starting one costs seconds on 2 cores); the tests that need a
cluster of their own (SIGTERM, a partition that kills every worker) are marked slow. Every
input row must appear exactly once, in the documented order (parts in the sorted order of the
input files, rows in input order, ``input_file`` / ``input_row`` columns), with the scores of
the single-machine ``ponzidetect score`` to 1e-9.
"""

from __future__ import annotations

import functools
import json
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed")

import dask.dataframe as dd
from dask_fakes import KillOnce
from distributed import Client
from fakes import fake_factory

from ponzidetect import cli
from ponzidetect.batch import score_frame
from ponzidetect.dask import (
    MANIFEST,
    ModelSpec,
    list_partitions,
    local_cluster,
    read_manifest,
    score_dataframe,
    score_partitions,
)
from ponzidetect.dask.inputs import local_copy
from ponzidetect.dask.output import OutputFolder
from ponzidetect.io import TableWriter, TabularError, read_chunks
from ponzidetect.model import ModelError

ROOT = Path(__file__).resolve().parent.parent
FORMULA = '=HYPERLINK("http://example.invalid","click")'
TEXTS = [
    "Guaranteed 2% daily returns, paid from the deposits of the members you recruit.",
    "Our savings account pays 2.1% a year; deposits are insured up to the legal limit.",
    "保本保息，日息百分之一，推荐一人拿百分之十，三个月本金翻倍。",
    "本周比特币价格下跌，交易所公布了新的手续费标准。",
    "Invite 3 friends and earn 10% of their deposits; level 2 pays 5%, level 3 pays 2%.",
    FORMULA,
]


@pytest.fixture(scope="module")
def client():
    with local_cluster(2) as dask_client:
        yield dask_client


def _csv_bytes(rows: list[tuple[str, str]], encoding: str) -> bytes:
    lines = ["id,text"] + [f'{key},"{text.replace(chr(34), chr(34) * 2)}"' for key, text in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def _partitions(folder: Path) -> dict[str, int]:
    """A folder of hostile partitions; returns each file's number of records."""
    folder.mkdir()
    (folder / "a-utf8.csv").write_bytes(_csv_bytes(
        [(f"a{i}", text) for i, text in enumerate(TEXTS)] + [("a-empty", "")], "utf-8"))
    (folder / "b-gbk.csv").write_bytes(_csv_bytes([("b0", TEXTS[2]), ("b1", TEXTS[3]),
                                                   ("b2", "推荐好友返利，静态收益每日到账。")],
                                                  "gbk"))
    (folder / "c-utf16.csv").write_bytes(_csv_bytes([("c0", TEXTS[0]), ("c1", TEXTS[2]),
                                                     ("=1+1", FORMULA)], "utf-16"))
    lines = [json.dumps({"id": "d0", "text": TEXTS[4]}), "{not json", json.dumps({"id": "d2"}),
             json.dumps({"id": "d3", "text": 42}), json.dumps({"id": "d4", "text": TEXTS[1]})]
    (folder / "d-bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with TableWriter(folder / "e.parquet") as writer:
        writer.write(pd.DataFrame({"id": ["e0", "e1"], "text": [TEXTS[0], None]}))
    nested = folder / "2026-01-02"
    nested.mkdir()
    (nested / "f.csv").write_bytes(_csv_bytes([("f0", TEXTS[4])], "utf-8"))
    (folder / "_SUCCESS").write_text("{}", encoding="utf-8")  # markers are not partitions
    (folder / ".hidden.csv").write_text("id,text\nx,y\n", encoding="utf-8")
    return {"a-utf8.csv": 7, "b-gbk.csv": 3, "c-utf16.csv": 3, "d-bad.jsonl": 5, "e.parquet": 2,
            "2026-01-02/f.csv": 1}


def _read(path: Path) -> pd.DataFrame:
    return pd.concat(list(read_chunks(path)), ignore_index=True)


def _parts(folder: Path) -> pd.DataFrame:
    manifest = read_manifest(folder)
    return pd.concat([_read(folder / part["part"]) for part in manifest["parts"]],
                     ignore_index=True)


# --------------------------------------------------------------------------------------------
# The CLI on a folder: same rows, same order, same scores as one machine
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("out_fmt", ["parquet", "csv"])
def test_folder_scores_equal_the_single_machine_cli(tmp_path: Path, client: Client,
                                                    out_fmt: str) -> None:
    counts = _partitions(tmp_path / "in")
    out = tmp_path / "out"
    code = cli.main(["score", str(tmp_path / "in"), "-o", str(out), "--engine", "dask",
                     "--scheduler", client.scheduler.address, "--output-format", out_fmt])
    assert code == 0
    manifest = read_manifest(out)
    names = [Path(part["input"]).relative_to(tmp_path / "in").as_posix()
             for part in manifest["parts"]]
    assert names == sorted(counts) and [p["rows"] for p in manifest["parts"]] == \
        [counts[name] for name in names]
    assert manifest["rows"] == sum(counts.values()) and manifest["model"]["booster_sha256"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST, *(f"part-{i:05d}.{out_fmt}" for i in range(len(counts)))])
    got = _parts(out)
    # every input row exactly once, in the documented order
    expected_where = [(str(tmp_path / "in" / name), row) for name in names
                      for row in range(counts[name])]
    assert list(zip(got["input_file"], got["input_row"].astype(int), strict=True)) == \
        expected_where
    # the single-machine CLI on each file gives the same rows
    single = []
    for name in names:
        target = tmp_path / f"single-{len(single)}.{out_fmt}"
        assert cli.main(["score", str(tmp_path / "in" / name), "-o", str(target),
                         "--workers", "1"]) == 0
        single.append(_read(target))
    want = pd.concat(single, ignore_index=True)
    for column in ("id", "text", "risk", "flags", "error"):
        assert [str(v) for v in got[column]] == [str(v) for v in want[column]], column
    scores = pd.to_numeric(got["score"].replace("", None)).to_numpy(dtype=float)
    wanted = pd.to_numeric(want["score"].replace("", None)).to_numpy(dtype=float)
    assert ((abs(scores - wanted) <= 1e-9) | (pd.isna(scores) & pd.isna(wanted))).all()
    errors = dict(zip(got["id"].astype(str), got["error"].astype(str), strict=True))
    assert errors["a-empty"] == "empty text" and errors["d3"] == "not text (int)"
    assert errors["d2"] == "empty text"
    assert any("invalid JSON" in error for error in errors.values())
    if out_fmt == "csv":  # a formula-looking cell stays inert, as the single-machine CSV
        part = next(p["part"] for p in manifest["parts"] if p["input"].endswith("c-utf16.csv"))
        raw = (out / part).read_text("utf-8-sig")
        assert "'=HYPERLINK" in raw and "\n'=1+1," in raw
    assert _part_totals(manifest) == (manifest["rows"], manifest["scored"])


def _part_totals(manifest: dict) -> tuple[int, int]:
    """Rows and scored rows summed over the manifest's parts."""
    return (sum(p["rows"] for p in manifest["parts"]),
            sum(p["scored"] for p in manifest["parts"]))


# --------------------------------------------------------------------------------------------
# A worker killed mid-run: Dask retries the partition, no row lost or doubled
# --------------------------------------------------------------------------------------------


def test_worker_killed_mid_run_loses_and_doubles_nothing(tmp_path: Path, client: Client) -> None:
    source = tmp_path / "in"
    source.mkdir()
    sizes = [40, 35, 50, 45]
    for index, size in enumerate(sizes):
        word = "kill-me" if index == 2 else "fine"
        (source / f"p{index}.csv").write_text(
            "id,text\n" + "".join(f"{index}-{i},{word} guaranteed text {i}\n" for i in range(size)),
            encoding="utf-8")
    marker = tmp_path / "killed"
    workers_before = set(client.scheduler_info()["workers"])
    summary = score_partitions(source, tmp_path / "out", text_column="text", client=client,
                               scorer_factory=KillOnce(str(marker), delay=0.05), chunk_rows=10)
    assert marker.exists(), "no worker was killed"
    manifest = read_manifest(tmp_path / "out")
    assert [p["rows"] for p in manifest["parts"]] == sizes and manifest["rows"] == sum(sizes)
    got = _parts(tmp_path / "out")
    assert len(got) == sum(sizes) and not got.duplicated(["input_file", "input_row"]).any()
    assert list(got["id"]) == [f"{p}-{i}" for p, size in enumerate(sizes) for i in range(size)]
    assert (got["error"] == "").all() and summary.rows == summary.scored == sum(sizes)
    client.wait_for_workers(2, timeout=60)
    assert set(client.scheduler_info()["workers"]) != workers_before  # one was replaced


# --------------------------------------------------------------------------------------------
# The Python API on a Dask DataFrame
# --------------------------------------------------------------------------------------------


def test_score_dataframe_matches_score_frame(client: Client) -> None:
    from ponzidetect.model_workers import DetectorScorer

    frame = pd.DataFrame({"score": range(len(TEXTS) + 1), "body": [*TEXTS, ""]},
                         index=pd.RangeIndex(100, 100 + len(TEXTS) + 1))
    ddf = dd.from_pandas(frame, npartitions=3)
    scored = score_dataframe(ddf, text_column="body")
    assert list(scored.columns) == ["score", "body", "ponzidetect_score", "ponzidetect_risk",
                                    "ponzidetect_flags", "ponzidetect_error"]
    got = scored.compute()
    assert dict(got.dtypes) == dict(scored._meta.dtypes)
    want = score_frame(frame, "body", DetectorScorer(), workers=1)
    assert list(got.index) == list(frame.index)
    assert ((got["ponzidetect_score"] - want["ponzidetect_score"]).abs().fillna(0) <= 1e-9).all()
    assert list(got["ponzidetect_risk"]) == list(want["ponzidetect_risk"])
    assert list(got["ponzidetect_error"]) == ["", "", "", "", "", "", "empty text"]


def test_score_dataframe_explain_and_missing_column(client: Client) -> None:
    ddf = dd.from_pandas(pd.DataFrame({"text": TEXTS[:2]}), npartitions=1)
    got = score_dataframe(ddf, explain=True).compute()
    assert isinstance(got["assessment"].iloc[0], dict) and got["assessment"].iloc[0]["flags"]
    with pytest.raises(KeyError, match=r"column .body. not found.*text"):
        score_dataframe(ddf, text_column="body")


# --------------------------------------------------------------------------------------------
# The model on every worker
# --------------------------------------------------------------------------------------------


def test_wrong_booster_on_a_worker_fails_before_any_part(tmp_path: Path, client: Client) -> None:
    good = ModelSpec.from_model()
    wrong = ModelSpec(good.model_dir, "0" * 64)
    _partitions(tmp_path / "in")
    with pytest.raises(ModelError, match=r"has booster [0-9a-f]{12}, the client"):
        score_partitions(tmp_path / "in", tmp_path / "out", text_column="text", client=client,
                         scorer_factory=wrong)
    assert list(tmp_path.iterdir()) == [tmp_path / "in"]  # no output, no temporary folder
    assert client.run(lambda: 1)  # the workers are still fine


def test_in_memory_model_is_refused_with_advice() -> None:
    import dataclasses

    from ponzidetect.model import load_model

    model = load_model()
    changed = dataclasses.replace(model, meta={k: v for k, v in model.meta.items()
                                               if k != "_directory"})
    with pytest.raises(ModelError, match=r"model\.save\(DIR\)"):
        ModelSpec.from_model(changed)


# --------------------------------------------------------------------------------------------
# Inputs, outputs and failures
# --------------------------------------------------------------------------------------------


def _tree(root: Path, names: list[str]) -> Path:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("id,text\n1,x\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(("files", "source", "fmt", "expected"), [
    (["a.csv"], "a.csv", None, ["a.csv"]),
    (["b.csv", "a.jsonl", "sub/c.parquet", "_SUCCESS", ".x.csv.part", "notes.md"], ".", None,
     ["a.jsonl", "b.csv", "sub/c.parquet"]),
    (["p1.csv", "p2.csv", "q.csv"], "p*.csv", None, ["p1.csv", "p2.csv"]),
    (["data1", "data2"], ".", "csv", ["data1", "data2"]),
    (["_tmp/a.csv", "b.csv"], ".", None, ["b.csv"]),
])
def test_list_partitions(tmp_path: Path, files: list[str], source: str, fmt: str | None,
                         expected: list[str]) -> None:
    _tree(tmp_path, files)
    found = list_partitions(str(tmp_path / source), fmt)
    assert [Path(p.source).relative_to(tmp_path).as_posix() for p in found] == expected
    assert [p.index for p in found] == list(range(len(expected)))


@pytest.mark.parametrize(("files", "source", "message"), [
    ([], "missing", "no such file or folder"),
    (["notes.md"], ".", "no table files found"),
    (["a.doc"], "a.doc", "cannot tell the table format"),
])
def test_list_partitions_errors(tmp_path: Path, files: list[str], source: str,
                                message: str) -> None:
    _tree(tmp_path, files)
    with pytest.raises(TabularError, match=message):
        list_partitions(str(tmp_path / source))


def test_fsspec_url_is_listed_and_copied_for_the_readers() -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe({"/bucket/in/b.csv": b"id,text\n1,x\n", "/bucket/in/a.csv": "id,text\n2,保本\n"
             .encode("gbk")})
    found = list_partitions("memory://bucket/in")
    assert [p.source for p in found] == ["memory:///bucket/in/a.csv", "memory:///bucket/in/b.csv"]
    with local_copy(found[0]) as path:
        assert list(_read(path)["text"]) == ["保本"]
    assert not path.exists()


@pytest.mark.parametrize(("setup", "message"), [
    (lambda out: out.write_text("x"), "is a file"),
    (lambda out: (out.mkdir(), (out / "mine.txt").write_text("x")), "not a ponzidetect output"),
])
def test_output_folder_refuses_what_it_would_destroy(tmp_path: Path, setup, message: str) -> None:
    setup(tmp_path / "out")
    with pytest.raises(TabularError, match=message):
        OutputFolder(tmp_path / "out")


def test_output_folder_replaces_a_previous_output_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with OutputFolder(target) as folder:
        (folder.temp / "part-00000.csv").write_text("a\n")
        (folder.temp / ".part-00001.csv.x.part").write_text("half")  # a killed writer's file
        folder.commit({"parts": [{"part": "part-00000.csv"}]})
    assert sorted(p.name for p in target.iterdir()) == [MANIFEST, "part-00000.csv"]
    with pytest.raises(RuntimeError), OutputFolder(target) as folder:
        (folder.temp / "part-00000.csv").write_text("b\n")
        raise RuntimeError("a failed run")
    assert (target / "part-00000.csv").read_text() == "a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_unreadable_partition_fails_the_run_and_leaves_nothing(tmp_path: Path,
                                                              client: Client) -> None:
    _partitions(tmp_path / "in")
    (tmp_path / "in" / "z.csv").write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    with pytest.raises(TabularError, match=r"z\.csv looks like a binary file"):
        score_partitions(tmp_path / "in", tmp_path / "out", text_column="text", client=client,
                         scorer_factory=fake_factory)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["--engine", "dask", "--explain", "x.jsonl"], "--explain is not available"),
])
def test_cli_refuses_options_that_do_not_apply(tmp_path: Path, argv: list[str],
                                               message: str) -> None:
    with pytest.raises(SystemExit, match=message):
        cli.main(["score", str(tmp_path), "-o", str(tmp_path / "out"), *argv])


def test_output_inside_the_input_folder_is_refused(tmp_path: Path) -> None:
    _tree(tmp_path / "in", ["a.csv"])
    with pytest.raises(TabularError, match="inside the input folder"):
        score_partitions(tmp_path / "in", tmp_path / "in" / "out", text_column="text",
                         scorer_factory=fake_factory, client=object())


# --------------------------------------------------------------------------------------------
# Clusters of their own (slow): SIGTERM, and a partition that kills every worker
# --------------------------------------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    from test_hostile import _descendants as find

    return find(pid)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find worker processes")
def test_sigterm_shuts_the_local_cluster_down_and_leaves_no_output(tmp_path: Path) -> None:
    from test_hostile import _alive, _wait

    source = tmp_path / "in"
    source.mkdir()
    for index in range(6):
        (source / f"p{index}.csv").write_text(
            "id,text\n" + "".join(f"{i},text {i}\n" for i in range(200)), encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(
        "import functools, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from fakes import fake_factory\n"
        "from ponzidetect.dask import score_partitions\n"
        "if __name__ == '__main__':\n"
        "    try:\n"
        f"        score_partitions({str(source)!r}, {str(tmp_path / 'out')!r}, text_column='text',\n"
        "                         scorer_factory=functools.partial(fake_factory, delay=0.2),\n"
        "                         workers=2, chunk_rows=5)\n"
        "    except KeyboardInterrupt:\n"
        "        sys.exit(143)\n", encoding="utf-8")
    log = (tmp_path / "driver.log").open("wb")
    process = subprocess.Popen([sys.executable, str(driver)], cwd=tmp_path, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        parts = lambda: [p for p in tmp_path.glob(".out.*.tmp/.part-*")]  # noqa: E731
        assert _wait(lambda: len(parts()) >= 1, 120), "the run did not start"
        workers = _descendants(process.pid)
        assert len(workers) >= 2
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    assert process.returncode == 143, (tmp_path / "driver.log").read_text()[-3000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["driver.log", "driver.py", "in"]
    assert _wait(lambda: not any(_alive(pid) for pid in workers), 60), "workers left running"


@pytest.mark.slow
def test_partition_that_kills_every_worker_costs_one_row(tmp_path: Path) -> None:
    import dask

    source = tmp_path / "in"
    source.mkdir()
    (source / "a.csv").write_text("id,text\n0,fine\n1,poison row\n2,fine too\n", encoding="utf-8")
    (source / "b.csv").write_text("id,text\n0,fine\n", encoding="utf-8")
    factory = functools.partial(fake_factory, crash_on="poison")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            local_cluster(1) as own:
        summary = score_partitions(source, tmp_path / "out", text_column="text", client=own,
                                   scorer_factory=factory, chunk_rows=10)
    got = _parts(tmp_path / "out")
    assert list(got["error"]) == ["", "scoring crashed the worker process (killed, or out of "
                                      "memory)", "", ""]
    assert (summary.rows, summary.errors) == (4, 1)

