"""meta.json schema: the shipped model's metadata passes; each malformed field is named."""

from __future__ import annotations

import copy
import json

import pytest

from ponzidetect import ModelError
from ponzidetect.model import META_FILE, default_model_dir
from ponzidetect.model_meta import validate_meta

SHIPPED = json.loads((default_model_dir() / META_FILE).read_text("utf-8"))


def test_shipped_meta_is_valid() -> None:
    assert validate_meta(copy.deepcopy(SHIPPED)) == SHIPPED


def _edited(path: str, value: object) -> dict:
    meta = copy.deepcopy(SHIPPED)
    *parents, last = path.split(".")
    target = meta
    for parent in parents:
        target = target[parent]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return meta


@pytest.mark.parametrize(("path", "value", "message"), [
    ("booster_sha256", KeyError, "'booster_sha256' is missing"),
    ("booster_sha256", "0693C2F4", "'booster_sha256' must be the booster file's SHA-256"),
    ("schema_version", True, "'schema_version' must be an integer, not true/false"),
    ("feature_names", [], "'feature_names' must be a non-empty list"),
    ("feature_names", ["a", "a"], "distinct names"),
    ("flag_versions", {"guaranteed_returns": 0}, "'flag_versions' must be an object"),
    ("combiner", [1, 2], "'combiner' must be an object with intercept, evidence_scale, "
     "wording_weight and clip, not a list"),
    ("combiner.clip", float("nan"), "'combiner.clip' must be a finite number"),
    ("combiner.intercept", KeyError, "'combiner.intercept' is missing"),
    ("thresholds.medium", 0.9, "'thresholds.medium' must not be above"),
    ("thresholds.high", "0.3", "'thresholds.high' must be a number from 0 to 1, not text"),
    ("text_channel", "yes", "'text_channel' must be null or an object"),
    ("text_channel.intercept", None, "'text_channel.intercept' must be a finite number, not null"),
    ("seed", 1.5, "'seed' must be an integer"),
])
def test_each_malformed_field_is_named(path: str, value: object, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        validate_meta(_edited(path, value))


@pytest.mark.parametrize("meta", [[], "text", None, 3])
def test_meta_must_be_an_object(meta: object) -> None:
    with pytest.raises(ModelError, match="must hold a JSON object"):
        validate_meta(meta)


def test_unknown_fields_are_allowed() -> None:
    meta = _edited("future_field", {"anything": 1})
    assert validate_meta(meta)["future_field"] == {"anything": 1}


@pytest.mark.parametrize("path", ["gate", "thresholds.gate", "combiner.gate", "text_kind.gate"])
def test_a_newer_models_extra_fields_load(tmp_path, path: str) -> None:
    import shutil

    from ponzidetect.model import load_model

    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    meta = _edited(path, {"high": 0.9} if path == "gate" else 0.5)
    (folder / META_FILE).write_text(json.dumps(meta), "utf-8")
    model = load_model(folder)
    assert (model.thresholds.high, model.thresholds.medium) == (
        SHIPPED["thresholds"]["high"], SHIPPED["thresholds"]["medium"])


def test_an_older_schema_is_told_to_retrain_not_called_damaged() -> None:
    meta = _edited("schema_version", 1)
    del meta["combiner"]
    meta["calibration"] = {"a": 1.0, "b": 0.0}
    with pytest.raises(ModelError, match="model schema 1 is not 2; retrain") as caught:
        validate_meta(meta, schema_version=2)
    assert "damaged" not in str(caught.value)
