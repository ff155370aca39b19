# Escale — build, run and test everything from the repository root.
#   make run    build the UI and the workspace, then open the desktop app
#   make test   everything CI runs: rustfmt and clippy gates, UI type check,
#               the UI's component tests (on the real app, through its test
#               bridge), all Rust tests, and the end-to-end tests of the real
#               desktop window
# CARGO_TARGET_DIR is respected when set (the CI script sets it).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

TARGET_DIR  := $(or $(CARGO_TARGET_DIR),target)
DESKTOP_BIN := $(TARGET_DIR)/debug/escale-desktop
# Passed to the desktop app by `make run`, e.g. make run ARGS="--data-dir /tmp/escale".
ARGS ?=

# Debian packages the build and the tests need (WebKitGTK for Tauri, Xvfb and
# WebKitWebDriver for the end-to-end tests, tools the tests use to read output,
# iproute2 to allow mDNS on the loopback interface in the stand-peer tests;
# CUPS and its PDF printer for printing certificates and badges through a
# real spooler — `lp`/`lpstat` are what the app prints with).
APT_PACKAGES := libwebkit2gtk-4.1-dev build-essential libxdo-dev libssl-dev \
	libayatana-appindicator3-dev librsvg2-dev xvfb webkit2gtk-driver dbus \
	poppler-utils imagemagick zbar-tools fonts-dejavu-core iproute2 \
	cups cups-client cups-bsd printer-driver-cups-pdf
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# CI=true turns "tool missing" notes in the end-to-end tests into failures.
export CI

.PHONY: deps system-deps rust-components tauri-driver ui-deps ui build run test bench fmt clean lint cups

# Install whatever is missing; does nothing when everything is there.
deps: system-deps rust-components tauri-driver ui-deps

# rustfmt and clippy, which the gates of `make test` run.
rust-components:
	@if command -v rustup >/dev/null; then \
	  for c in rustfmt clippy; do \
	    rustup component list --installed | grep -q "^$$c" || rustup component add $$c; \
	  done; \
	fi

# Debian packages, installed only when `dpkg -s` says they are missing.
system-deps:
	@if ! command -v dpkg >/dev/null; then \
	  echo "deps: not a Debian-like system; install the equivalents of: $(APT_PACKAGES)"; exit 0; \
	fi; \
	missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  status=$$(dpkg -s "$$pkg" 2>/dev/null | sed -n 's/^Status: //p' || true); \
	  [ "$$status" = "install ok installed" ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

# The WebDriver bridge the desktop end-to-end test drives the app through.
tauri-driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked

# UI packages, reinstalled when node_modules is missing or older than the lock file.
ui-deps:
	@if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then \
	  npm --prefix ui ci; \
	fi

# Build the UI into ui/dist (the shell embeds it at compile time).
ui: ui-deps
	npm --prefix ui run build

# Build the whole workspace, shell included; the UI first, since the shell embeds it.
build: deps ui
	cargo build --workspace

# Open the desktop app (needs a graphical session).
run: build
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "run: no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)."; \
	  echo "     Escale is a desktop app: run it from a desktop session, or on a virtual screen with"; \
	  echo "     xvfb-run -a -s '-screen 0 1280x800x24' $(DESKTOP_BIN) $(ARGS)"; \
	  exit 1; \
	fi
	$(DESKTOP_BIN) $(ARGS)

# Everything CI checks: UI types, then the binaries, the UI's component tests
# and all Rust tests including the end-to-end tests of the real binaries.
# The binaries are built first, with --all-targets so that they get the same
# features as `cargo test` (dev-deps enabled) and the tests drive exactly what
# was built, without a second build. They include the UI's test bridge
# (escale-ui-bridge, feature escale-desktop/ui-bridge: Tauri's mock runtime,
# already on for the shell's tests, and a settable clock): the component tests
# run the real app through it, and the CLI for the hub. The feature is given
# to `cargo test` too, so that nothing is compiled twice.
UI_BRIDGE := --features escale-desktop/ui-bridge
test: deps ui lint cups
	npm --prefix ui run check
	cargo build --workspace --all-targets $(UI_BRIDGE)
	npm --prefix ui test
	cargo test --workspace --no-fail-fast $(UI_BRIDGE)

# The print spooler the printing tests use: CUPS, and a cups-pdf queue named
# PDF whose jobs land as files in $$HOME/PDF (the tests start it the same
# way when run alone). CUPS turns a PDF into PostScript for cups-pdf; with
# the pdftocairo renderer the text of the file cups-pdf writes back stays
# readable by pdftotext (poppler's and Ghostscript's make it Type 3 glyphs
# without text), for letters of Windows-1252 — the printed glyphs are right
# for every letter.
cups: system-deps
	@lpstat -r 2>/dev/null | grep -q "is running" || $(SUDO) cupsd
	@for i in $$(seq 50); do lpstat -r 2>/dev/null | grep -q "is running" && break; sleep 0.2; done
	@lpstat -p PDF >/dev/null 2>&1 || $(SUDO) lpadmin -p PDF -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd
	@$(SUDO) lpadmin -p PDF -o pdftops-renderer-default=pdftocairo
	@$(SUDO) cupsenable PDF; $(SUDO) cupsaccept PDF

# The gates: formatting as rustfmt writes it, and no clippy warning.
.PHONY: lint
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets $(UI_BRIDGE) -- -D warnings

# Benchmarks of the libraries (the shell has none, and a release build of it is slow).
# Each core scenario runs in its own process so its peak memory is its own;
# results are Markdown rows for docs/benchmarks.md, and data points
# (docs/benchmarks/data/*.jsonl) from which the scaling charts are drawn
# (docs/benchmarks/*.svg).
CORE_BENCHES := "checkin 10000" "checkin 100000" "checkin 1000000" \
	"import 10000" "import 100000" "import 1000000" "import-checkin 100000" \
	"rebuild 100000" "rebuild 1000000" "rebuild 3000000" \
	"size 10000" "size 100000" "size 1000000" \
	"convert 28000" "convert 285000" \
	"search 10000" "search 100000" "search 1000000"
# Version 0.1.0 (schema 1), whose stores the `convert` benchmark converts.
SCHEMA1_COMMIT := 128d995
SCHEMA1_DIR := $(TARGET_DIR)/schema1
export ESCALE_SCHEMA1_BIN := $(abspath $(SCHEMA1_DIR))/target/release/escale
$(ESCALE_SCHEMA1_BIN):
	rm -rf $(SCHEMA1_DIR)/src && mkdir -p $(SCHEMA1_DIR)/src
	git archive $(SCHEMA1_COMMIT) | tar -x -C $(SCHEMA1_DIR)/src
	cargo build --release -p escale-cli --manifest-path $(SCHEMA1_DIR)/src/Cargo.toml \
	  --target-dir $(SCHEMA1_DIR)/target
# Lists, exports, figures and duplicates (crates/escale-core/benches/lists.rs), by crowd size.
LISTS_SIZES := 10000 100000 1000000
# LibreOffice Writer is the certificates benchmark's baseline (what a
# coordinator does today: one document per person converted to PDF); only
# `make bench` installs it.
BENCH_APT_PACKAGES := libreoffice-writer-nogui
bench-deps:
	@dpkg -s $(BENCH_APT_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(BENCH_APT_PACKAGES); }
.PHONY: bench-deps

bench: $(ESCALE_SCHEMA1_BIN) bench-deps cups
	cargo bench -p escale-core --bench core --no-run
	@for s in $(CORE_BENCHES); do \
	  echo "=== $$s"; cargo bench -q -p escale-core --bench core -- $$s; \
	done
	@echo "=== lists $(LISTS_SIZES)"; cargo bench -q -p escale-core --bench lists -- $(LISTS_SIZES)
	@echo "=== ingest, snapshot, bundle"; cargo bench -q -p escale-core --bench snapshot
	@echo "=== security (unlock, encryption at rest)"; cargo bench -q -p escale-core --bench security -- 100000
	@echo "=== retention (preview, anonymisation)"; cargo bench -q -p escale-core --bench retention -- 100000 10000
	cargo bench --workspace --exclude escale-desktop --exclude escale-core
	cargo run -q -p escale-testkit --bin bench-charts

# Format the Rust code.
fmt:
	cargo fmt --all

# Remove build outputs (Rust target directory and the built UI).
clean:
	cargo clean
	rm -rf ui/dist

# --- TypeScript wire types -----------------------------------------------------
# Regenerates ui/src/lib/backend/bindings/ from the Rust types (ts-rs). `make
# test` fails while they are stale (src-tauri/tests/bindings.rs).
.PHONY: bindings
bindings:
	ESCALE_WRITE_BINDINGS=1 cargo test -p escale-desktop --test bindings -- committed_bindings --nocapture
