"""``ponzidetect score --engine dask``: the command-line side of :mod:`ponzidetect.dask`."""

from __future__ import annotations

import argparse
import sys

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
    from .batch import sigterm_as_interrupt
    from .dask import ModelSpec, score_partitions
    from .detector import Detector

    with sigterm_as_interrupt():
        detector = Detector(args.model)  # a broken model directory fails here, before any work
        spec = ModelSpec.from_model(detector)
        model = {"directory": spec.model_dir, "booster_sha256": spec.booster_sha256,
                 "version": detector.model.version}
        del detector
        summary = score_partitions(
            args.input, args.output, text_column=args.text_column, scorer_factory=spec,
            scheduler=args.scheduler, workers=args.workers, encoding=args.encoding,
            in_fmt=args.input_format, out_fmt=args.output_format or "parquet",
            progress=sys.stderr.isatty(), manifest_extra={"model": model})
    print(summary.to_text(), file=sys.stderr)
    return 0
