# The two commands of the README. Everything else is CMake and CTest.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
PORT ?= 6379
NODES ?= 3
RELEASE_DIR ?= $(BUILD_DIR)/release

.PHONY: deps build release tools run test test-asan test-tsan bench cluster clean format

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR)

run: build
	$(BUILD_DIR)/server/kv-server --port $(PORT)

# A packager's build: -O3 Release of the two shipped binaries, as deploy/Dockerfile builds them.
# Only those two targets, so it proves the Release flags compile without doubling the test build.
release: deps
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(RELEASE_DIR) --target kv-server kvctl

# helm and chart-render for the deployment tests, into $(BUILD_DIR)/tools.
tools:
	bash scripts/install-tools.sh $(BUILD_DIR)

test: build release tools
	bash scripts/run-tests.sh $(BUILD_DIR)

# The integration suite against sanitizer builds of kv-server (in build-asan/, build-tsan/).
test-asan: deps
	bash scripts/run-sanitized-tests.sh asan

test-tsan: deps
	bash scripts/run-sanitized-tests.sh tsan

# NODES nodes on loopback joined into one ring (deploy/local-cluster.sh; `... stop` ends them).
cluster: build
	BUILD_DIR=$(BUILD_DIR) bash deploy/local-cluster.sh $(NODES)

bench: build
	bash bench/run.sh $(BUILD_DIR)

format:
	find server admin ctl tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
