"""``ponzidetect score --engine dask``: the command-line side of :mod:`ponzidetect.dask`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["score_with_dask"]


def score_with_dask(args: argparse.Namespace) -> int:
    """Score ``args.input`` (file, glob or folder) into the folder ``args.output`` on Dask.

    Raises
    ------
    SystemExit
        When the Dask extra is not installed or an option does not apply to this engine.
    """
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise SystemExit("ponzidetect score: --engine dask needs Dask: pip install "
                         "'ponzidetect[dask]' (dask[dataframe] and distributed)") from None
    if args.explain:
        raise SystemExit("ponzidetect score: --explain is not available with --engine dask; "
                         "use the Python API ponzidetect.dask.score_dataframe(..., explain=True)")
    from .batch import RESULT_COLUMNS, ResultColumn, sigterm_as_interrupt
    from .columns import ASSESSMENT_COLUMNS
    from .dask import ModelSpec, list_partitions, score_partitions

    partitions = list_partitions(args.input, args.input_format)
    with sigterm_as_interrupt():
        text_column = _text_column(partitions[0], args)
        from .detector import Detector

        detector = Detector(args.model)  # a broken model directory fails here, before any work
        spec = ModelSpec.from_model(detector)
        model = {"directory": spec.model_dir, "booster_sha256": spec.booster_sha256,
                 "version": detector.model.version}
        del detector
        summary = score_partitions(
            args.input, args.output, text_column=text_column, scorer_factory=spec,
            scheduler=args.scheduler, workers=args.workers, encoding=args.encoding,
            in_fmt=args.input_format, out_fmt=args.output_format or "parquet",
            chunk_rows=args.chunk_rows, progress=sys.stderr.isatty(),
            result_columns=(*RESULT_COLUMNS, *(ResultColumn(n) for n in ASSESSMENT_COLUMNS)),
            manifest_extra={"model": model})
    print(summary.to_text(), file=sys.stderr)
    return 0


def _text_column(first: Any, args: argparse.Namespace) -> str:
    """The text column, chosen (and announced) from the first partition as the single-machine
    command chooses it; every partition must have it."""
    from .cli_score import choose_columns
    from .dask.inputs import local_copy

    with local_copy(first) as path:
        text_column, _ = choose_columns(path, args.text_column, "", fmt=first.fmt,
                                        encoding=args.encoding)
    return text_column
