"""deploy/k8s (plain manifests for kubectl apply -k) stays in step with the Helm chart: the files
are exactly what deploy/k8s/generate.py writes from the chart's defaults, and the kustomization
lists them and generates the Secret the StatefulSet refers to."""

import yaml

from deploy_env import K8S_DIR, run, tool


def manifests():
    objs = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            objs += [o for o in yaml.safe_load_all(path.read_text()) if o]
    return objs


def test_files_are_what_the_chart_renders():
    code, out, err = run(["/usr/bin/python3", K8S_DIR / "generate.py", "--helm", tool("helm"),
                          "--check"], check=False)
    assert code == 0, out + err


def test_kustomization_lists_every_manifest_and_generates_the_secret():
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    files = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    (generated,) = kustomization["secretGenerator"]
    assert kustomization["generatorOptions"]["disableNameSuffixHash"] is True
    sts = next(o for o in manifests() if o["kind"] == "StatefulSet")
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"]
            if "secretKeyRef" in e.get("valueFrom", {})}
    assert refs == {generated["name"]}
    keys = {e["valueFrom"]["secretKeyRef"]["key"] for e in container["env"]
            if "secretKeyRef" in e.get("valueFrom", {})}
    example = (K8S_DIR / "secrets.env.example").read_text()
    assert keys == {line.split("=")[0] for line in example.splitlines()
                    if "=" in line and not line.startswith("#")}


def test_manifests_have_the_chart_kinds_and_no_helm_labels():
    objs = manifests()
    assert sorted(o["kind"] for o in objs) == ["ConfigMap", "PodDisruptionBudget", "Service",
                                               "Service", "StatefulSet"]
    sts = next(o for o in objs if o["kind"] == "StatefulSet")
    assert sts["spec"]["serviceName"] in {o["metadata"]["name"] for o in objs if o["kind"] == "Service"}
    text = "".join(p.read_text() for p in K8S_DIR.glob("*.yaml"))
    assert "helm.sh/chart" not in text and "managed-by" not in text
    assert all("namespace" not in o["metadata"] for o in objs)
