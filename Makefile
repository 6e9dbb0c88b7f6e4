# The two commands of the README. Everything else is CMake and CTest.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
PORT ?= 6379

.PHONY: deps build run test bench clean format

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR)

run: build
	$(BUILD_DIR)/server/kv-server --port $(PORT)

test: build
	bash scripts/run-tests.sh $(BUILD_DIR)

bench: build
	bash bench/run.sh $(BUILD_DIR)

format:
	find server admin ctl tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
