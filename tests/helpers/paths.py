"""Where the repository, the test fixtures and the vendored clips are."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DATA = ROOT / "tests" / "data"  # vendored audio clips (tests/data/NOTICE)
