"""helm/kvcache with the real helm v3.17.1 and chart-render: lint --strict and template for every
scenario under helm/kvcache/ci, rendered output compared with golden files, and the bad values
that values.schema.json must refuse."""

import os
import pathlib

import pytest

from chart import SCENARIOS, normalise, template, value_args
from deploy_env import CHART_DIR, run, tool

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent / "golden"


def test_scenarios_cover_the_issue():
    assert set(SCENARIOS) >= {"defaults", "replicas-5", "persistence-off", "existing-secret",
                              "loadbalancer", "metrics", "tls"}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_helm_lint_strict(scenario):
    _, out, _ = run([tool("helm"), "lint", "--strict", CHART_DIR, *value_args(scenario)])
    assert "0 chart(s) failed" in out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chart_render_lint_strict(scenario):
    # Stricter than helm: selectors against pod labels, DNS names, ports, probes, removed APIs.
    _, out, _ = run([tool("chart-render"), "lint", "--strict", CHART_DIR, "-a",
                     "monitoring.coreos.com/v1", *value_args(scenario)])
    assert "0 chart(s) failed" in out
    assert "[WARNING]" not in out and "[ERROR]" not in out, out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rendered_output_matches_golden(scenario):
    rendered = normalise(template(scenario)[1])
    golden = GOLDEN_DIR / f"{scenario}.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN_DIR.mkdir(exist_ok=True)
        golden.write_text(rendered)
    assert golden.exists(), f"{golden} is missing: UPDATE_GOLDEN=1 writes it"
    assert rendered == golden.read_text(), (
        f"helm template differs from {golden}; if the change is meant, rerun with UPDATE_GOLDEN=1 "
        f"and review the diff")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chart_render_renders_what_helm_renders(scenario):
    assert normalise(template(scenario, renderer="chart-render")[1]) == normalise(template(scenario)[1])


# Each bad value, and the path that the error must name (helm writes `a.b`, chart-render `/a/b`).
@pytest.mark.parametrize("sets, path", [
    (["replicaCount=0"], "replicaCount"),
    (["ports.resp=70000"], "ports.resp"),
    (["ports.admin=0"], "ports.admin"),
    (["replicas=3"], "replicas"),
    (["persistence.sizee=1Gi"], "sizee"),
    (["service.type=Ingress"], "service.type"),
    (["persistence.size=lots"], "persistence.size"),
    (["tls.enabled=true"], "tls.existingSecret"),
    (["auth.password=two words"], "auth.password"),
    (["podManagementPolicy=Random"], "podManagementPolicy"),
])
def test_schema_refuses_bad_values(sets, path):
    for renderer in ("helm", "chart-render"):
        code, out, err = template(sets=sets, renderer=renderer, check=False)
        assert code != 0, f"{renderer} accepted {sets}:\n{out}"
        assert "values don't meet the specifications of the schema" in err, err
        assert path in err or "/" + path.replace(".", "/") in err, err
