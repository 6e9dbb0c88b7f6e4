"""Fixtures and hooks of the black-box tests: all in harness_pytest.py (servers in harness.py)."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from harness_pytest import *  # noqa: E402,F401,F403  (hooks and fixtures pytest looks up here)
