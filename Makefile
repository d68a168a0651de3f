# The two commands a newcomer runs: `make demo` and `make test`. Everything else is a helper.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DPython3_EXECUTABLE=/usr/bin/python3
# ccache keys on paths relative to the clone, so fresh clones (CI) reuse each other's objects.
export CCACHE_BASEDIR ?= $(CURDIR)

.PHONY: deps configure build demo test bench bench-micro format format-check asan clean install

# Packages (apt), the real data sets the tests and examples read (npm + a Debian .deb), and
# headless Chromium for the report screenshot test.
deps:
	@scripts/install-deps.sh
	@scripts/install-datasets.sh
	@scripts/install-report-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

# ember vs libtorch side by side (bench/compare.sh; installs libtorch-dev if it can), then the
# table in docs/PERFORMANCE.md. `make bench-micro`: ember's own Google Benchmark programs.
bench:
	@scripts/install-deps.sh --bench || echo "make bench: could not install libtorch-dev; ember alone"
	@COMPARE_BUILD=$(BUILD)/compare JOBS=$(JOBS) bench/compare.sh

bench-micro: build
	@bench/run.sh $(BUILD)

asan: deps
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEMBER_SANITIZE=address,undefined \
	  -DEMBER_BUILD_BENCH=OFF $(CMAKE_FLAGS) > /dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900

format-check:
	@scripts/check-format.sh

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan

install: build
	@cmake --install $(BUILD)
