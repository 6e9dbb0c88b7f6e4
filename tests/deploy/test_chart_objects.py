"""Assertions on the objects helm renders from helm/kvcache: what a Kubernetes operator relies on,
checked field by field rather than through the golden text."""

import re

import pytest

from chart import RELEASE, SCENARIOS, by_kind, objects, one

FULLNAME = f"{RELEASE}-kvcache"
HEADLESS = f"{FULLNAME}-headless"


def statefulset(objs):
    return one(objs, "StatefulSet", FULLNAME)


def container(objs):
    (c,) = statefulset(objs)["spec"]["template"]["spec"]["containers"]
    return c


def start_script(objs):
    return one(objs, "ConfigMap", FULLNAME)["data"]["start.sh"]


def script_default(script, variable):
    """The value a start.sh line `variable=${ENV:-value}` or `variable=value` gives."""
    match = re.search(rf"^{variable}=(?:\$\{{\w+:-)?([^}}\s]+)\}}?$", script, re.M)
    assert match, f"{variable}= not in start.sh"
    return match.group(1)


def container_port(objs, name):
    return next(p["containerPort"] for p in container(objs)["ports"] if p["name"] == name)


@pytest.fixture(scope="module")
def rendered():
    return {scenario: objects(scenario) for scenario in SCENARIOS}


def test_default_kinds(rendered):
    kinds = sorted(o["kind"] for o in rendered["defaults"])
    assert kinds == ["ConfigMap", "PodDisruptionBudget", "Secret", "Service", "Service",
                     "StatefulSet"]


def test_metrics_scenario_adds_service_monitor_metrics_service_and_network_policy(rendered):
    objs = rendered["metrics"]
    monitor = one(objs, "ServiceMonitor")
    metrics = one(objs, "Service", f"{FULLNAME}-metrics")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert monitor["spec"]["selector"]["matchLabels"].items() <= metrics["metadata"]["labels"].items()
    assert container_port(objs, "metrics") == metrics["spec"]["ports"][0]["port"]
    assert "metrics-port 9121" in one(objs, "ConfigMap")["data"]["kvcache.conf"]
    policy = one(objs, "NetworkPolicy")
    admin_rule = next(r for r in policy["spec"]["ingress"] if r["ports"] == [{"port": "admin"}])
    sources = admin_rule["from"]
    # The admin/peer port: this release's pods and the labelled operator namespace, nobody else.
    assert {"podSelector", "namespaceSelector"} == {k for s in sources for k in s}
    assert sources[0]["podSelector"]["matchLabels"] == statefulset(objs)["spec"]["selector"]["matchLabels"]


def test_statefulset_uses_the_headless_service(rendered):
    for scenario, objs in rendered.items():
        sts = statefulset(objs)
        headless = one(objs, "Service", HEADLESS)
        assert sts["spec"]["serviceName"] == HEADLESS, scenario
        assert headless["spec"]["clusterIP"] == "None"
        # Peers must resolve a joining pod before it is ready.
        assert headless["spec"]["publishNotReadyAddresses"] is True
        labels = sts["spec"]["template"]["metadata"]["labels"]
        assert sts["spec"]["selector"]["matchLabels"].items() <= labels.items()
        for svc in by_kind(objs, "Service"):
            assert svc["spec"]["selector"].items() <= labels.items(), svc["metadata"]["name"]


def test_ports_match_the_node_configuration(rendered):
    for scenario, objs in rendered.items():
        script = start_script(objs)
        assert container_port(objs, "resp") == int(script_default(script, "resp_port")), scenario
        assert container_port(objs, "admin") == int(script_default(script, "admin_port")), scenario
        assert int(script_default(script, "peer_admin_port")) == container_port(objs, "admin")
        names = {p["name"] for p in container(objs)["ports"]}
        for svc in by_kind(objs, "Service"):
            for port in svc["spec"]["ports"]:
                assert port["targetPort"] in names, (scenario, svc["metadata"]["name"], port)


def test_changed_ports_reach_the_script_and_the_services():
    objs = objects(sets=["ports.resp=6400", "ports.admin=7400", "service.port=16400"])
    script = start_script(objs)
    assert script_default(script, "resp_port") == "6400"
    assert script_default(script, "admin_port") == "7400"
    assert container_port(objs, "resp") == 6400 and container_port(objs, "admin") == 7400
    client = one(objs, "Service", FULLNAME)
    assert client["spec"]["ports"] == [{"name": "resp", "port": 16400, "targetPort": "resp"}]
    assert container(objs)["readinessProbe"]["grpc"]["port"] == 7400
    assert "127.0.0.1:${KVCACHE_ADMIN_PORT:-7400}" in one(objs, "ConfigMap")["data"]["kvctl-local.sh"]


def test_join_address_points_at_the_headless_service(rendered):
    script = start_script(rendered["defaults"])
    # The namespace comes from the downward API, so deploy/k8s works in any namespace.
    assert f'domain="{HEADLESS}.${{POD_NAMESPACE}}.svc.cluster.local"' in script
    env = {e["name"]: e for e in container(rendered["defaults"])["env"]}
    assert env["POD_NAMESPACE"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace"
    assert script_default(script, "statefulset") == FULLNAME
    # Peers are <statefulset>-<i>.<domain>:<admin port>; the pod announces the same name.
    assert 'echo "$statefulset-$i.$domain:$peer_admin_port"' in script
    assert 'self="$POD_NAME.$domain"' in script
    assert 'echo "cluster-announce-ip $self"' in script
    assert 'echo "cluster-join $seed"' in script
    assert script_default(start_script(rendered["replicas-5"]), "replicas") == "5"


def test_probes(rendered):
    c = container(rendered["defaults"])
    assert c["readinessProbe"]["grpc"] == {"port": 7379}
    assert c["startupProbe"]["grpc"] == {"port": 7379}
    startup = c["startupProbe"]
    # A long AOF load is not killed: liveness only starts once the startup probe has passed.
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 1800
    assert c["livenessProbe"]["tcpSocket"] == {"port": "admin"}
    tls = container(rendered["tls"])
    for probe in ("readinessProbe", "startupProbe"):
        assert tls[probe]["exec"]["command"] == ["/bin/sh", "/etc/kvcache/kvctl-local.sh", "health"]
    assert "--tls-ca /etc/kvcache/tls/ca.crt" in one(rendered["tls"], "ConfigMap")["data"]["kvctl-local.sh"]


def test_prestop_drains_within_the_grace_period(rendered):
    objs = rendered["defaults"]
    command = container(objs)["lifecycle"]["preStop"]["exec"]["command"]
    assert command[:2] == ["/bin/sh", "/etc/kvcache/kvctl-local.sh"]
    assert command[-3:] == ["remove-node", "self", "--wait"]
    timeout = int(command[command.index("--timeout") + 1])
    grace = statefulset(objs)["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert 0 < timeout < grace


def test_security_context(rendered):
    for scenario, objs in rendered.items():
        pod = statefulset(objs)["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        sc = container(objs)["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"]["drop"] == ["ALL"]
        # Writable places exist only as volumes: the data dir, the generated config, /tmp.
        mounts = {m["mountPath"] for m in container(objs)["volumeMounts"] if not m.get("readOnly")}
        assert mounts == {"/data", "/run/kvcache", "/tmp"}, scenario


def test_anti_affinity_prefers_different_nodes(rendered):
    affinity = statefulset(rendered["defaults"])["spec"]["template"]["spec"]["affinity"]
    (term,) = affinity["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"


def test_volume_claim_template_only_with_persistence(rendered):
    for scenario, objs in rendered.items():
        sts = statefulset(objs)
        volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"]["volumes"]}
        if scenario == "persistence-off":
            assert "volumeClaimTemplates" not in sts["spec"]
            assert "emptyDir" in volumes["data"]
            assert "appendonly no" in one(objs, "ConfigMap")["data"]["kvcache.conf"]
        else:
            (claim,) = sts["spec"]["volumeClaimTemplates"]
            assert claim["metadata"]["name"] == "data" and "data" not in volumes
            assert claim["spec"]["resources"]["requests"]["storage"] == "8Gi"
            assert "appendonly yes" in one(objs, "ConfigMap")["data"]["kvcache.conf"]


def test_secrets_come_from_the_chart_or_the_existing_secret(rendered):
    def secret_refs(objs):
        return {e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in container(objs)["env"]
                if "secretKeyRef" in e.get("valueFrom", {})}

    assert set(secret_refs(rendered["defaults"]).values()) == {FULLNAME}
    assert set(one(rendered["defaults"], "Secret")["data"]) == {"requirepass", "admin-token",
                                                                 "cluster-secret"}
    assert not by_kind(rendered["existing-secret"], "Secret")
    refs = secret_refs(rendered["existing-secret"])
    assert set(refs.values()) == {"kvcache-auth"}
    assert {"KVCACHE_REQUIREPASS", "KVCACHE_ADMIN_TOKEN", "KVCACHE_CLUSTER_SECRET"} <= set(refs)
    # Secrets travel in the environment, never on a command line or in the ConfigMap.
    for objs in rendered.values():
        assert "requirepass" not in one(objs, "ConfigMap")["data"]["kvcache.conf"]


def test_given_passwords_are_kept_verbatim():
    objs = objects(sets=["auth.password=pw1", "auth.adminToken=tok", "auth.clusterSecret=cs"])
    data = one(objs, "Secret")["data"]
    assert data == {"requirepass": "cHcx", "admin-token": "dG9r", "cluster-secret": "Y3M="}


def test_service_types_and_replicas(rendered):
    assert one(rendered["defaults"], "Service", FULLNAME)["spec"]["type"] == "ClusterIP"
    lb = one(rendered["loadbalancer"], "Service", FULLNAME)["spec"]
    assert lb["type"] == "LoadBalancer" and lb["externalTrafficPolicy"] == "Local"
    assert lb["loadBalancerSourceRanges"] == ["10.0.0.0/8"]
    assert statefulset(rendered["replicas-5"])["spec"]["replicas"] == 5
    pdb = one(rendered["defaults"], "PodDisruptionBudget")
    assert pdb["spec"]["maxUnavailable"] == 1


def test_tls_mounts_the_certificate_secret(rendered):
    objs = rendered["tls"]
    volumes = {v["name"]: v for v in statefulset(objs)["spec"]["template"]["spec"]["volumes"]}
    assert volumes["tls"]["secret"]["secretName"] == "kvcache-tls"
    conf = one(objs, "ConfigMap")["data"]["kvcache.conf"]
    assert "admin-tls-cert-file /etc/kvcache/tls/tls.crt" in conf
    assert "admin-tls-ca-cert-file /etc/kvcache/tls/ca.crt" in conf
