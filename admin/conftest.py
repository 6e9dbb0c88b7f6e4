"""The admin-plane suites here start nodes through the shared harness in tests/integration."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "integration"))

from harness_pytest import *  # noqa: E402,F401,F403  (hooks and fixtures pytest looks up here)
