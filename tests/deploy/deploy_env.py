"""Paths the deployment tests share: the repository, the chart, the tools that
scripts/install-tools.sh puts into the build tree, and the built binaries.

CTest passes them as environment variables (tests/deploy/CMakeLists.txt); run by hand, the defaults
point at build/.
"""

import os
import pathlib
import shutil
import subprocess

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
CHART_DIR = REPO_ROOT / "helm" / "kvcache"
K8S_DIR = REPO_ROOT / "deploy" / "k8s"
BUILD_DIR = pathlib.Path(os.environ.get("KV_BUILD_DIR", REPO_ROOT / "build"))


def tool(name):
    """A tool installed by scripts/install-tools.sh into <build>/tools; a missing tool fails the
    test (make test installs them), it never skips."""
    path = pathlib.Path(os.environ.get(name.upper().replace("-", "_"), BUILD_DIR / "tools" / name))
    if not path.exists():
        pytest.fail(f"{path} is missing: run `bash scripts/install-tools.sh {BUILD_DIR}` "
                    f"(make test does)")
    return path


def binary(env_name, relative):
    """kv-server or kvctl of the build tree (env KV_SERVER / KVCTL from CTest)."""
    path = pathlib.Path(os.environ.get(env_name) or BUILD_DIR / relative)
    if not path.exists():
        pytest.fail(f"{path} is missing: build the tree first")
    return path


def run(argv, check=True, **kwargs):
    """Runs a command, returning (returncode, stdout, stderr) as text; check=True fails the test
    with both streams when it exits non-zero."""
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300,
                          **kwargs)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, argv))} exited {proc.returncode}\n"
                    f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc.returncode, proc.stdout, proc.stderr


def which(name):
    return shutil.which(name)
