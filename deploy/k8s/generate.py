#!/usr/bin/python3
"""Writes deploy/k8s/ (plain manifests for users without Helm) from the Helm chart, so the two
cannot drift: the objects `helm template kvcache helm/kvcache` renders with the chart's defaults,
less Helm's own labels, less the Secret (kustomize's secretGenerator makes it from secrets.env).

    deploy/k8s/generate.py --helm build/tools/helm            # rewrite the files
    deploy/k8s/generate.py --helm build/tools/helm --check    # exit 1 if they differ (tests do)
"""

import argparse
import difflib
import pathlib
import subprocess
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
CHART = HERE.parent.parent / "helm" / "kvcache"
RELEASE = "kvcache"
# Labels that only mean something to Helm.
HELM_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")
# One file per kind; the Secret is left to kustomization.yaml's secretGenerator.
FILES = {"ConfigMap": "configmap.yaml", "Service": "services.yaml",
         "StatefulSet": "statefulset.yaml", "PodDisruptionBudget": "pdb.yaml"}
HEADER = "# Generated from helm/kvcache by deploy/k8s/generate.py; do not edit by hand.\n"


class BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings (the ConfigMap's scripts) as readable `|` blocks."""


BlockDumper.add_representer(str, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", data, style="|" if "\n" in data else None))


def strip_helm_labels(node):
    if isinstance(node, dict):
        labels = node.get("labels")
        if isinstance(labels, dict):
            for key in HELM_LABELS:
                labels.pop(key, None)
        for value in node.values():
            strip_helm_labels(value)
    elif isinstance(node, list):
        for value in node:
            strip_helm_labels(value)


def render(helm):
    out = subprocess.run([helm, "template", RELEASE, str(CHART)], check=True,
                         capture_output=True, text=True).stdout
    by_file = {}
    for obj in yaml.safe_load_all(out):
        if not obj or obj["kind"] == "Secret":
            continue
        if obj["kind"] not in FILES:
            raise SystemExit(f"generate.py: no file for kind {obj['kind']}")
        obj["metadata"].pop("namespace", None)  # kustomization.yaml sets it
        strip_helm_labels(obj)
        by_file.setdefault(FILES[obj["kind"]], []).append(obj)
    return {name: HEADER + yaml.dump_all(objs, Dumper=BlockDumper, sort_keys=False, width=100)
            for name, objs in by_file.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helm", required=True)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    differs = False
    for name, text in render(args.helm).items():
        path = HERE / name
        old = path.read_text() if path.exists() else ""
        if old == text:
            continue
        differs = True
        if args.check:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                       f"deploy/k8s/{name}", "from the chart"))
        else:
            path.write_text(text)
    if args.check and differs:
        print("deploy/k8s differs from the chart: run deploy/k8s/generate.py --helm <helm>")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
