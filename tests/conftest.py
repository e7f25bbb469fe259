"""Shared test configuration: one place for paths and hypothesis settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = Path(os.environ.get("PONZIDETECT_REAL_DEV", ROOT.parent / "shared" / "data" / "real-dev"))

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def real_dev() -> Path:
    """The shared real-dev folder; tests that need it skip cleanly when it is absent."""
    if not REAL_DEV.is_dir():
        pytest.skip(f"real-dev data not found at {REAL_DEV}")
    return REAL_DEV
