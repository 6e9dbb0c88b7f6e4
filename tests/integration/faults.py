"""Fault injection for crash tests: faults/fault_shim.c, an LD_PRELOAD library built here with cc,
SIGKILLs a node (or fails a call with ENOSPC) at a chosen rename or write, armed at run time."""

import functools
import os
import pathlib
import subprocess
import tempfile

from harness import tool_path

SHIM_SOURCE = pathlib.Path(__file__).resolve().parent / "faults" / "fault_shim.c"


@functools.lru_cache(maxsize=None)
def shim_path():
    out = os.path.join(tempfile.mkdtemp(prefix="kv-fault-shim-"), "fault_shim.so")
    subprocess.run([tool_path("cc", "build-essential"), "-shared", "-fPIC", "-O1", "-Wall",
                    "-Werror", "-o", out, str(SHIM_SOURCE), "-ldl", "-lpthread"], check=True,
                   timeout=120)
    return out


def fault_env(control_file):
    """Environment for a Node that loads the shim, controlled through `control_file`. ASan wants
    to be first in the library list; the shim only interposes rename and write, so let it be."""
    asan = os.environ.get("ASAN_OPTIONS", "")
    return {"LD_PRELOAD": shim_path(), "KV_FAULT_FILE": str(control_file),
            "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"}


def arm(control_file, action, op, substring, nth=1):
    """action: kill-before | kill-after | enospc; op: rename | write."""
    pathlib.Path(control_file).write_text(f"{action} {op} {substring} {nth}\n")


def disarm(control_file):
    pathlib.Path(control_file).write_text("")
