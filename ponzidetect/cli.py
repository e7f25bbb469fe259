"""Command line: ``ponzidetect check|report|flags|score|train|evaluate|audit|catalogue|app``."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from . import __version__
from .io.formats import FORMATS


def _read_input(source: str, encoding: str | None) -> str:
    from .cli_case import read_source

    return read_source(source, encoding, "flags").text


def cmd_flags(args: argparse.Namespace) -> int:
    from .engine import default_registry, extract_flags

    text = _read_input(args.file, args.encoding)
    report = extract_flags(text)
    if args.json:
        payload = report.to_dict()
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    registry = default_registry()
    print(f"language: {report.language}")
    if not report.fired:
        print("no red flags found")
    for result in report.fired:
        spec = registry.get(result.flag_id)
        value = f"  value={result.value} {result.unit or ''}" if result.value is not None else ""
        print(f"\n{spec.id}  ({spec.name_en} / {spec.name_zh}){value}")
        for evidence in result.evidence:
            mark = " [negated]" if evidence.negated else ""
            print(f"  {evidence.start:>6}-{evidence.end:<6} {evidence.text!r}{mark}")
    return 0


def cmd_catalogue(args: argparse.Namespace) -> int:
    from .engine import default_registry

    for spec in default_registry():
        print(f"{spec.id:26s} v{spec.version}  {spec.kind:8s} {spec.family:28s} {spec.name_en}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from .audit import audit_flags, audit_markdown, audit_rules, rules_markdown
    from .dataset import load_labelled

    sections = []
    for path in args.data:
        data = load_labelled([path])
        rows = audit_flags(data.texts, data.labels)
        positives = sum(data.labels)
        sections.append(audit_markdown(Path(path).name, rows, positives,
                                       len(data.labels) - positives))
        if args.rules:
            sections.append(rules_markdown(Path(path).name, audit_rules(data.texts, data.labels),
                                           positives, len(data.labels) - positives))
    command = "ponzidetect audit " + " ".join(shlex.quote(p) for p in args.data)
    text = f"Command: `{command}`\n\n" + "\n".join(sections)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    print(text)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .dataset import load_labelled
    from .model import TrainConfig, train_model

    data = load_labelled(args.data)
    config = TrainConfig(seed=args.seed)
    model = train_model(data, config, name=Path(args.out).name)
    folder = model.save(args.out)
    overall = model.meta["cv"]["overall"]
    print(f"trained on {len(data.labels)} texts; out-of-fold ROC-AUC "
          f"{overall['roc_auc']:.3f}, PR-AUC {overall['pr_auc']:.3f}; threshold "
          f"{model.thresholds.high:.3f}; saved to {folder}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .dataset import load_labelled
    from .evaluation import evaluate_by_source, evaluate_cv, evaluate_holdout, write_report
    from .model import TrainConfig, load_model
    from .model_card import render_model_card

    command = "ponzidetect " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    _log_progress()
    if args.cv and args.by_source:
        raise SystemExit("ponzidetect evaluate: choose --cv or --by-source, not both")
    if args.by_source:
        result = evaluate_by_source(load_labelled(args.data), TrainConfig(seed=args.seed),
                                    sources=args.source)
    elif args.cv:
        result = evaluate_cv(load_labelled(args.data), TrainConfig(seed=args.seed))
    else:
        if not args.train:
            raise SystemExit("ponzidetect evaluate: give --train DATA (baselines are trained on it) "
                             "or use --by-source or --cv")
        model = load_model(args.model)
        result = evaluate_holdout(model, load_labelled(args.data), load_labelled(args.train))
    markdown = write_report(result, command, Path(args.json) if args.json else None,
                            Path(args.markdown) if args.markdown else None,
                            Path(args.predictions) if args.predictions else None)
    print(markdown)
    if args.update_card:
        from .model import META_FILE, default_model_dir

        folder = Path(args.model) if args.model else default_model_dir()
        meta_path = folder / META_FILE
        meta = json.loads(meta_path.read_text("utf-8"))
        meta["evaluation"] = {"command": command, "markdown": markdown}
        if result["mode"] == "by_source":
            meta["band_precision"] = {**result["bands"]["all"], "command": command}
        meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                             encoding="utf-8")
        (folder / "MODEL_CARD.md").write_text(render_model_card(meta), encoding="utf-8")
    return 0


def _log_progress() -> None:
    """Show the library's progress messages (folds, sources) on stderr for long commands."""
    import logging

    logger = logging.getLogger("ponzidetect")
    if not any(isinstance(h, logging.StreamHandler) and not isinstance(h, logging.NullHandler)
               for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def cmd_score(args: argparse.Namespace) -> int:
    if args.engine == "dask":
        from .cli_dask import score_with_dask

        return score_with_dask(args)
    if args.scheduler:
        raise SystemExit("ponzidetect score: --scheduler needs --engine dask")
    from .batch import score_table, sigterm_as_interrupt
    from .cli_score import choose_columns, cluster_columns, count_rows
    from .columns import ASSESSMENT_COLUMNS
    from .detector import Detector
    from .model_workers import DetectorScorer, model_source

    if not Path(args.input).is_file():
        raise SystemExit(f"ponzidetect score: {args.input!r}: no such file; give a table "
                         "(CSV/TSV/JSONL/Parquet/XLSX); to check one text use `ponzidetect "
                         "check \"TEXT\"`; a folder or glob of partitions needs --engine dask")
    text_column, id_column = choose_columns(args.input, args.text_column, args.id_column,
                                            fmt=args.input_format, encoding=args.encoding)
    progress = sys.stderr.isatty()
    with sigterm_as_interrupt():
        clusters = (None if args.no_clusters else
                    cluster_columns(args.input, text_column, fmt=args.input_format,
                                    encoding=args.encoding))
        detector = Detector(args.model)  # a broken model directory fails here, before any row
        factory = DetectorScorer(model_dir=model_source(detector.model),
                                 explain=args.explain is not None,
                                 detector=detector if args.workers == 1 else None)
        del detector
        summary = score_table(
            args.input, args.output, text_column=text_column, scorer_factory=factory,
            encoding=args.encoding, in_fmt=args.input_format, out_fmt=args.output_format,
            workers=args.workers, chunk_rows=args.chunk_rows, explain_path=args.explain,
            progress=progress, extra_columns=ASSESSMENT_COLUMNS, id_column=id_column,
            row_columns=clusters, total_rows=count_rows(args.input) if progress else None,
        )
    print(summary.to_text(), file=sys.stderr)
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from .app_launcher import run_app

    return run_app(args.host, args.port)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to render the README's CLI section)."""
    parser = argparse.ArgumentParser(prog="ponzidetect", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ponzidetect {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    from .cli_case import add_case_commands

    add_case_commands(sub)

    flags = sub.add_parser("flags", help="show the red flags a text raises, with evidence "
                                         "(no model, no score)")
    flags.add_argument("file", nargs="?", default="-",
                       help="text/HTML/PDF/DOCX file, or - for stdin (default)")
    flags.add_argument("--json", action="store_true", help="JSON output")
    flags.add_argument("--encoding", help="force the text encoding (detected when omitted)")
    flags.set_defaults(func=cmd_flags)

    score = sub.add_parser("score", help="score a table (CSV/TSV/JSONL/Parquet/XLSX)")
    score.add_argument("input", help="the table to score, one text per row")
    score.add_argument("-o", "--output", required=True,
                       help="where to write the scored table (format from the extension)")
    score.add_argument("--text-column",
                       help="column holding the texts (guessed and printed when omitted)")
    score.add_argument("--id-column",
                       help="column of row ids that keys --explain lines (guessed when a column "
                            "is obviously one; '' for none)")
    score.add_argument("--encoding", help="input encoding (detected when omitted)")
    score.add_argument("--input-format", choices=FORMATS,
                       help="input format (default: from the extension)")
    score.add_argument("--output-format", choices=FORMATS,
                       help="output format (default: from the extension)")
    score.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    score.add_argument("--chunk-rows", type=int, default=500,
                       help="rows scored per batch, also how often the progress bar moves "
                            "(default 500)")
    score.add_argument("--explain", help="also write each row's full assessment as JSONL here")
    score.add_argument("--no-clusters", action="store_true",
                       help="skip grouping near-duplicate texts (the cluster and cluster_size "
                            "columns; one extra read of the input)")
    score.add_argument("--model", help="model directory (default: shipped model)")
    score.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local: this machine (default); dask: INPUT is a file, glob or "
                            "folder of partitions (local or fsspec URL), OUTPUT a folder of part "
                            "files with a _SUCCESS manifest (needs ponzidetect[dask])")
    score.add_argument("--scheduler", help="with --engine dask: address of a running Dask "
                                           "scheduler (tcp://HOST:8786); without it a local "
                                           "cluster of --workers processes is started")
    score.set_defaults(func=cmd_score)

    train = sub.add_parser("train", help="train a model on labelled JSONL/CSV (text,label[,group])")
    train.add_argument("data", nargs="+",
                       help="labelled .jsonl/.csv files or folders (text, label 0/1; optional "
                            "id, group, lang, genre, kind, source)")
    train.add_argument("--out", required=True, help="model directory to write")
    train.add_argument("--seed", type=int, default=20181,
                       help="seed of folds and boosting, recorded in the model (default 20181)")
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", help="metrics of model and baselines per slice")
    evaluate.add_argument("data", nargs="+", help="labelled .jsonl/.csv files or folders to "
                                                  "evaluate on")
    evaluate.add_argument("--model", help="model directory (default: shipped model)")
    evaluate.add_argument("--train", nargs="+", help="training data for the baselines")
    evaluate.add_argument("--by-source", action="store_true",
                          help="leave-one-source-out over DATA: each real-dev file and each corpus "
                               "genre family scored by systems trained on all the others "
                               "(the honest estimate; README's headline table)")
    evaluate.add_argument("--source", action="append",
                          help="with --by-source: evaluate only this source (repeatable)")
    evaluate.add_argument("--cv", action="store_true",
                          help="grouped cross-validation over DATA instead of a hold-out")
    evaluate.add_argument("--seed", type=int, default=20181,
                          help="seed of the folds (default 20181)")
    evaluate.add_argument("--json", help="write the JSON report here")
    evaluate.add_argument("--markdown", help="write the Markdown report here")
    evaluate.add_argument("--predictions",
                          help="write one CSV row per text: id, file, label, each system's score "
                               "and decision (out-of-fold under --cv)")
    evaluate.add_argument("--update-card", action="store_true",
                          help="store the report in the model's meta.json and model card")
    evaluate.set_defaults(func=cmd_evaluate)

    audit = sub.add_parser("audit", help="per-flag coverage, precision and lift on labelled data")
    audit.add_argument("data", nargs="+", help="labelled .jsonl/.csv files or folders")
    audit.add_argument("--markdown", help="write the tables here")
    audit.add_argument("--rules", action="store_true",
                       help="add a per-rule table: which pattern or alternative fires on negatives")
    audit.set_defaults(func=cmd_audit)

    catalogue = sub.add_parser("catalogue", help="list the red-flag catalogue")
    catalogue.set_defaults(func=cmd_catalogue)

    app = sub.add_parser("app", help="start the Streamlit triage app (on 127.0.0.1)")
    app.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    app.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 "
                          "shares the app and the texts you score with your network)")
    app.set_defaults(func=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ponzidetect`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from .batch import Terminated, WorkerCrashed
    from .dataset import DatasetError
    from .io import TextDecodeError
    from .io.terminal import for_terminal
    from .model import ModelError

    try:
        return int(args.func(args) or 0)
    except (DatasetError, ModelError, TextDecodeError, WorkerCrashed, KeyError,
            ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"ponzidetect {args.command}: {for_terminal(str(message))}", file=sys.stderr)
        return 2
    except Terminated:
        print("terminated; no partial output was written", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("interrupted; no partial output was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
