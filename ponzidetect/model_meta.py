"""The schema of a model directory's ``meta.json``: every field's type checked on load.

:func:`read_meta` reads and parses the file (a nesting or number bomb is an error, not a
traceback) and :func:`validate_meta` checks each field the loader and the scorer rely on, so a
damaged directory fails at load time with a :class:`~ponzidetect.model.ModelError` naming the
field, instead of a ``TypeError`` mid-run or every row "scorer failed". ``booster_sha256`` is
required: without it a corrupt or edited booster would reach LightGBM unchecked. Unknown fields
are allowed (newer metadata stays loadable).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["MAX_META_BYTES", "read_meta", "validate_meta"]

MAX_META_BYTES = 64 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DAMAGED = "the model directory is damaged: restore it from a copy or retrain it"


def _error(message: str) -> Exception:
    from .model import ModelError

    return ModelError(message)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _probability(value: object) -> bool:
    return _is_number(value) and 0.0 <= float(value) <= 1.0  # type: ignore[arg-type]


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _versions(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(key, str) and _is_int(item) and item >= 1
                                           for key, item in value.items())


# (field, required, check, what it must be)
_FIELDS: tuple[tuple[str, bool, Callable[[Any], bool], str], ...] = (
    ("schema_version", True, _is_int, "an integer"),
    ("name", False, lambda v: isinstance(v, str) and bool(v), "non-empty text"),
    ("feature_names", True, lambda v: _str_list(v) and bool(v) and len(set(v)) == len(v),
     "a non-empty list of distinct names"),
    ("flag_versions", True, _versions, "an object of flag id -> version (an integer >= 1)"),
    ("flag_ids", False, _str_list, "a list of flag ids"),
    ("booster_sha256", True, lambda v: isinstance(v, str) and bool(_SHA256.fullmatch(v)),
     "the booster file's SHA-256 (64 lowercase hex digits)"),
    ("combiner", True, lambda v: isinstance(v, dict),
     "an object with intercept, evidence_scale, wording_weight and clip"),
    ("combiner.intercept", True, _is_number, "a finite number"),
    ("combiner.evidence_scale", True, _is_number, "a finite number"),
    ("combiner.wording_weight", True, _is_number, "a finite number"),
    ("combiner.clip", True, _is_number, "a finite number"),
    ("thresholds", True, lambda v: isinstance(v, dict), "an object with high and medium"),
    ("thresholds.high", True, _probability, "a number from 0 to 1"),
    ("thresholds.medium", True, _probability, "a number from 0 to 1"),
    ("text_channel", False, lambda v: v in (None, False) or isinstance(v, dict),
     "null or an object with intercept"),
    ("text_kind", False, lambda v: isinstance(v, dict), "an object"),
    ("config", False, lambda v: isinstance(v, dict), "an object"),
    ("seed", False, _is_int, "an integer"),
    ("libraries", False, lambda v: isinstance(v, dict), "an object"),
    ("training_data", False, lambda v: isinstance(v, dict), "an object"),
    ("cv", False, lambda v: isinstance(v, dict), "an object"),
    ("evaluation", False, lambda v: isinstance(v, dict), "an object"),
)
_MISSING = object()


def _get(meta: dict[str, Any], dotted: str) -> object:
    value: object = meta
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def validate_meta(meta: object, where: str = "meta.json",
                  schema_version: int | None = None) -> dict[str, Any]:
    """Check the fields of a parsed ``meta.json``; return it unchanged when they are right.

    Unknown fields, at the top or inside ``combiner`` and ``thresholds``, are accepted.

    Parameters
    ----------
    meta : object
        The parsed JSON.
    where : str
        The file, for messages.
    schema_version : int, optional
        The schema this version of ponzidetect reads; a model of another schema is refused
        first (retrain it), before its fields are checked against this schema.

    Returns
    -------
    dict

    Raises
    ------
    ModelError
        Naming the first field that is missing or of the wrong type, and what it must be.
    """
    if not isinstance(meta, dict):
        raise _error(f"{where} must hold a JSON object, not {_kind(meta)}; {_DAMAGED}")
    found = meta.get("schema_version")
    if schema_version is not None and _is_int(found) and found != schema_version:
        raise _error(f"{where}: model schema {found} is not {schema_version}; retrain with this "
                     "version of ponzidetect ('ponzidetect train DATA --out DIR')")
    for name, required, check, wanted in _FIELDS:
        parent = name.rpartition(".")[0]
        if parent and not isinstance(_get(meta, parent), dict):
            continue  # the parent's own check reports it
        value = _get(meta, name)
        if value is _MISSING:
            if required:
                raise _error(f"{where}: field {name!r} is missing; it must be {wanted}; "
                             f"{_DAMAGED}")
            continue
        if not check(value):
            shown = json.dumps(value, default=str)[:60]
            raise _error(f"{where}: field {name!r} must be {wanted}, not {_kind(value)} "
                         f"({shown}); {_DAMAGED}")
    if meta["thresholds"]["medium"] > meta["thresholds"]["high"]:
        raise _error(f"{where}: field 'thresholds.medium' must not be above 'thresholds.high'; "
                     f"{_DAMAGED}")
    channel = meta.get("text_channel")
    if isinstance(channel, dict) and not _is_number(channel.get("intercept")):
        value = channel.get("intercept")
        raise _error(f"{where}: field 'text_channel.intercept' must be a finite number, not "
                     f"{_kind(value)} ({json.dumps(value, default=str)[:60]}); {_DAMAGED}")
    return meta


def read_meta(path: Path, schema_version: int | None = None) -> dict[str, Any]:
    """Read, parse and validate a model's ``meta.json``.

    Parameters
    ----------
    path : Path
        The file.
    schema_version : int, optional
        The schema expected (see :func:`validate_meta`).

    Returns
    -------
    dict

    Raises
    ------
    ModelError
        When the file is too large, not UTF-8 JSON, nested absurdly deep, holds a number Python
        refuses to convert, or fails :func:`validate_meta`.
    """
    try:
        size = path.stat().st_size
        if size > MAX_META_BYTES:
            raise _error(f"{path} is {size:,} bytes, more than a model's metadata ever is; "
                         f"{_DAMAGED}")
        meta = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise _error(f"{path} is not valid JSON: {error}; {_DAMAGED}") from error
    except RecursionError as error:
        raise _error(f"{path} is nested too deeply to be model metadata; {_DAMAGED}") from error
    except ValueError as error:  # an integer of thousands of digits
        raise _error(f"{path} holds a value that cannot be read ({error}); {_DAMAGED}") from error
    except OSError as error:
        raise _error(f"{path} cannot be read: {error}") from error
    return validate_meta(meta, str(path), schema_version)
