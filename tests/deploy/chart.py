"""Renders helm/kvcache with the real helm (or chart-render) and gives the rendered objects.

Scenarios are the value files under helm/kvcache/ci/*-values.yaml; their rendered output is kept
in tests/deploy/golden/<scenario>.yaml (regenerate with UPDATE_GOLDEN=1 after a deliberate change).
"""

import re

import yaml

from deploy_env import CHART_DIR, run, tool

RELEASE = "kv"
NAMESPACE = "cache"
SCENARIOS = sorted(p.name[: -len("-values.yaml")] for p in (CHART_DIR / "ci").glob("*-values.yaml"))
# Kubernetes API groups the chart may use beyond the built-in ones (the ServiceMonitor's).
EXTRA_APIS = ["monitoring.coreos.com/v1"]


def values_file(scenario):
    return CHART_DIR / "ci" / f"{scenario}-values.yaml"


def value_args(scenario=None, sets=()):
    args = ["-f", values_file(scenario)] if scenario else []
    for s in sets:
        args += ["--set", s]
    return args


def template(scenario=None, sets=(), renderer="helm", check=True):
    """(returncode, stdout, stderr) of `<renderer> template` for the release kv in namespace cache."""
    argv = [tool(renderer), "template", RELEASE, CHART_DIR, "-n", NAMESPACE]
    for api in EXTRA_APIS:
        argv += ["-a", api]
    return run(argv + value_args(scenario, sets), check=check)


def objects(scenario=None, sets=()):
    """The rendered objects (dicts), in helm's order."""
    return [doc for doc in yaml.safe_load_all(template(scenario, sets)[1]) if doc]


def by_kind(objs, kind):
    return [o for o in objs if o["kind"] == kind]


def one(objs, kind, name=None):
    found = [o for o in by_kind(objs, kind) if name is None or o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name or ''}, got {len(found)}"
    return found[0]


def normalise(rendered):
    """Rendered output with the values that differ between runs replaced: generated secrets (random
    at each render without a cluster to look the old ones up in)."""
    docs = rendered.split("\n---\n")
    for i, doc in enumerate(docs):
        if re.search(r"^kind: Secret$", doc, re.M):
            head, sep, data = doc.partition("\ndata:\n")
            data = re.sub(r"^(  [-._a-zA-Z0-9]+): \S+$", r"\1: <generated>", data, flags=re.M)
            docs[i] = head + sep + data
    return "\n---\n".join(docs)
