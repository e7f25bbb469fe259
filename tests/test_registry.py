"""The registry snapshot: what the catalogue holds is committed; a change must be deliberate."""

from __future__ import annotations

import json
from pathlib import Path

import ponzidetect
from ponzidetect.model import load_model

SNAPSHOT = Path(__file__).parent / "snapshots" / "registry.json"
DBTC_FLAGS = ("fixed_token_price", "tiered_sales_ranks", "promotion_tours", "foreign_figurehead")


def test_registry_matches_committed_snapshot() -> None:
    current = ponzidetect.default_registry().snapshot()
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == committed, (
        "the flag catalogue changed (ids, versions, families, kinds or extractors). If this is "
        "deliberate: bump the changed flags' version, retrain with `ponzidetect train` and "
        "update tests/snapshots/registry.json"
    )


def test_catalogue_covers_dbtc_flags_and_every_family() -> None:
    registry = ponzidetect.default_registry()
    assert set(DBTC_FLAGS) <= set(registry.ids)
    red_flags = [spec for spec in registry if spec.kind == "red_flag"]
    assert len(red_flags) >= 14
    families = {spec.family for spec in red_flags}
    assert {"fixed_operator_price", "guaranteed_returns", "fixed_high_returns", "tiered_ranks",
            "multilevel_referral", "entry_packages", "promotion_tours",
            "foreign_figurehead_offshore", "authority_claims", "opaque_profit_engine",
            "urgency_scarcity", "withdrawal_friction", "recruiting_over_product",
            "testimonials_lifestyle"} <= families


def test_shipped_model_was_trained_on_this_catalogue() -> None:
    model = load_model()
    assert model.meta["flag_versions"] == ponzidetect.default_registry().versions()
