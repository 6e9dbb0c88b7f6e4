"""deploy/Dockerfile, checked without Docker (no daemon on our machines): the runtime stage installs
exactly the Debian packages that own the shared libraries `ldd kv-server kvctl` resolves (plus
redis-tools for redis-cli), the build stage is the developers' install-deps.sh and a Release build,
and the image runs as a non-root user with the RESP and admin ports exposed."""

import pathlib
import re
import shlex

from deploy_env import REPO_ROOT, binary, run

DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
# Packages the runtime stage installs for what they carry, not for a library the binaries load.
TOOL_PACKAGES = {"redis-tools"}


def instructions(text):
    """Dockerfile instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            result.append((keyword.upper(), args.strip()))
    return result


def stages(text):
    """{stage name: [instructions]} in order; FROM starts a stage."""
    result = {}
    current = None
    for keyword, args in instructions(text):
        if keyword == "FROM":
            image, _, name = args.partition(" AS ")
            current = result.setdefault(name.strip() or image.strip(), [])
        current.append((keyword, args))
    return result


def apt_installed(stage):
    """Package names given to `apt-get install` in a stage's RUN instructions."""
    packages = set()
    for keyword, args in stage:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;", args):
            words = shlex.split(command)
            if words[:2] == ["apt-get", "install"]:
                packages.update(w for w in words[2:] if not w.startswith("-"))
    return packages


def owning_packages(libraries):
    """The Debian packages owning the library files, in one dpkg-query call (each call reads
    every package's file list). dpkg records /lib/... or /usr/lib/... as shipped, so each file is
    looked up as ldd printed it and as resolved."""
    candidates = {str(c): lib for lib in libraries
                  for c in (pathlib.Path(lib), pathlib.Path(lib).resolve())}
    _, out, _ = run(["dpkg-query", "-S", *candidates], check=False)
    owners = {}
    for line in out.splitlines():
        package, _, path = line.partition(": ")
        if path in candidates:
            owners[candidates[path]] = package.split(":")[0]
    unowned = set(libraries) - set(owners)
    assert not unowned, f"no Debian package owns {sorted(unowned)}"
    return set(owners.values())


def base_image_packages():
    """What every Debian image carries, as debootstrap's minbase variant (which the official
    debian:*-slim images are) installs it: the Essential and Priority `required` packages and all
    they depend on, resolved against this machine's installed packages. (Libraries such as libc6
    are Priority `optional` since Debian 12: they are there as dependencies.)"""
    fields = "${Package}\t${Essential}\t${Priority}\t${Pre-Depends}, ${Depends}\t${Provides}\n"
    _, out, _ = run(["dpkg-query", "-W", "-f", fields])
    depends, provided_by, roots = {}, {}, []
    for line in out.splitlines():
        name, essential, prio, deps, provides = line.split("\t")
        depends[name] = deps
        for virtual in provides.split(","):
            if virtual.split():
                provided_by.setdefault(virtual.split()[0], name)
        if essential == "yes" or prio == "required":
            roots.append(name)

    def installed_alternative(alternatives):
        for alternative in alternatives.split("|"):
            words = alternative.split()
            name = words[0].split(":")[0] if words else ""
            if name in depends:
                return name
            if name in provided_by:
                return provided_by[name]
        return None

    closure, todo = set(), roots
    while todo:
        package = todo.pop()
        if package not in closure:
            closure.add(package)
            todo += filter(None, map(installed_alternative, depends[package].split(",")))
    return closure


def needed_packages():
    """Packages the binaries load libraries from, less those every Debian image has."""
    libraries = set()
    for path in (binary("KV_SERVER", "server/kv-server"), binary("KVCTL", "ctl/kvctl")):
        _, out, _ = run(["ldd", path])
        assert "not found" not in out, out
        libraries.update(re.findall(r"=> (/\S+)", out))
    return owning_packages(libraries) - base_image_packages()


def test_runtime_stage_installs_exactly_the_libraries_ldd_needs():
    runtime = stages(DOCKERFILE.read_text())["runtime"]
    listed = apt_installed(runtime)
    needed = needed_packages()
    assert listed - TOOL_PACKAGES == needed, (
        f"missing from the runtime stage: {sorted(needed - listed)}; "
        f"not needed by kv-server/kvctl: {sorted(listed - TOOL_PACKAGES - needed)}")
    assert TOOL_PACKAGES <= listed


def test_build_stage_uses_install_deps_and_builds_release():
    text = DOCKERFILE.read_text()
    build = stages(text)["build"]
    assert build[0] == ("FROM", "debian:bookworm AS build")
    runs = " ".join(args for keyword, args in build if keyword == "RUN")
    assert "install-deps.sh" in runs
    assert "-DCMAKE_BUILD_TYPE=Release" in runs
    assert "--target kv-server kvctl" in runs


def test_runtime_stage_is_slim_non_root_and_exposes_both_ports():
    runtime = stages(DOCKERFILE.read_text())["runtime"]
    assert runtime[0] == ("FROM", "debian:bookworm-slim AS runtime")
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root"), users
    # Numeric, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
    assert users[-1].split(":")[0].isdigit()
    exposed = {p for keyword, args in runtime if keyword == "EXPOSE" for p in args.split()}
    assert exposed == {"6379", "7379"}
    copies = " ".join(args for keyword, args in runtime if keyword == "COPY")
    assert "--from=build" in copies and "kv-server" in copies and "kvctl" in copies
    assert "redis-cli" not in copies, "redis-cli comes from the redis-tools package"


def test_dockerignore_keeps_build_trees_and_git_out_of_the_context():
    patterns = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    assert {".git", "build*/"} <= patterns
    # The build stage needs the sources and the install script.
    assert not patterns & {"server", "scripts", "proto", "CMakeLists.txt"}
