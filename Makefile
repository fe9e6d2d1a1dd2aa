# Podlab — set-up, build and test. `make serve` and `make test` install whatever is missing.
#
# Pinned tools (see README "Toolchain"): trunk 0.21.14 (0.22 needs a newer rustc),
# wasm-bindgen-cli = the wasm-bindgen version in Cargo.lock, wasm-opt from binaryen 132 (npm,
# because Debian's binaryen cannot read current rustc output), Chromium + chromedriver from apt.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

TRUNK_VERSION := 0.21.14
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve build test tools browser lint test-native test-mermaid test-wasm test-e2e reports bench bench-web clean

serve: tools
	trunk serve --release

build: tools
	trunk build --release

test: tools browser lint test-native test-mermaid test-wasm test-e2e
	@echo "make test: all suites passed (native, headless Chrome, end-to-end)"

tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(trunk --version 2>/dev/null)" != "trunk $(TRUNK_VERSION)" ]; then \
	  echo "installing trunk $(TRUNK_VERSION)"; cargo install --locked trunk --version $(TRUNK_VERSION); fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/mermaid ]; then npm ci --no-audit --no-fund; fi

browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium chromium-driver; fi

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

test-native:
	cargo test
	@$(MAKE) --no-print-directory reports

reports:
	@cat target/reports/*.txt 2>/dev/null || true

# Every graph of every scenario, exported by `podlab graph`, through the real Mermaid parser and
# renderer (plus the .mmd files the native tests wrote).
SHARED ?= $(or $(PODLAB_SHARED),$(CURDIR)/../shared)
test-mermaid: tools browser
	cargo build --bin podlab
	@mkdir -p target/mermaid
	@for f in $(SHARED)/scenarios/*.yaml; do \
	  ./target/debug/podlab graph "$$f" > "target/mermaid/$$(basename "$$f" .yaml).mmd"; done
	node e2e/mermaid-check.mjs target/mermaid

test-wasm:
	cargo test --target wasm32-unknown-unknown --test web

test-e2e:
	trunk build --release
	node e2e/e2e.mjs

# Benchmark figures (never pass/fail). BENCH_SCHEDULE/BENCH_CLUSTER: NODES:PODS lists.
BENCH_SCHEDULE ?= 5000:10000 5000:150000
BENCH_ANTI_AFFINITY ?= 5000:5000
BENCH_CLUSTER ?= 100:1000 1000:10000
bench:
	cargo build --profile native-bench --bin podlab
	@for w in $(BENCH_SCHEDULE); do \
	  target/native-bench/podlab bench schedule --nodes $${w%%:*} --pods $${w##*:}; done
	@for w in $(BENCH_ANTI_AFFINITY); do \
	  target/native-bench/podlab bench schedule --anti-affinity --nodes $${w%%:*} --pods $${w##*:}; done
	@for w in $(BENCH_CLUSTER); do \
	  target/native-bench/podlab bench cluster --nodes $${w%%:*} --pods $${w##*:}; done

# The same workloads from the shipped (release) wasm build in headless Chrome.
PODLAB_BENCH ?= $(subst $(eval) ,$(comma),$(strip $(addprefix schedule:,$(BENCH_SCHEDULE)) $(addprefix anti-affinity:,$(BENCH_ANTI_AFFINITY)) $(addprefix cluster:,$(BENCH_CLUSTER))))
comma := ,
bench-web: tools browser
	PODLAB_BENCH='$(PODLAB_BENCH)' WASM_BINDGEN_TEST_TIMEOUT=7200 \
	  cargo test --release --target wasm32-unknown-unknown --test web_bench -- --nocapture

clean:
	cargo clean
	rm -rf dist node_modules
