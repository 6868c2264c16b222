# Adjoint: `make demo`, `make test`, `make bench`. Each target installs the Debian packages it needs
# first, so the commands work on a fresh clone (CI has nothing installed by hand).
SHELL := /bin/bash
DEB_PACKAGES := liblapacke-dev libopenblas-dev libgmp-dev pkg-config
SWIFT ?= swift
# Tests and benchmarks measure single-threaded BLAS unless told otherwise; results must not depend
# on how many cores the machine has.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build demo test notebooks notebooks-update bench bench-peers bench-fd-peers fd-corpus clean leakcheck

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

demo: deps
	$(SWIFT) build --product AdjointDemo
	$(SWIFT) run --skip-build AdjointDemo

# Two passes: XCTest (the swift-testing pass disabled, so its closing line cannot be mistaken for
# the whole run), then Swift Testing alone (AdjointTesting's @Test suites). Either pass failing
# fails the target. Then the notebooks (`make notebooks`); a failing cell fails the target too. The
# last line is the plain "N passed, N failed" summary of all three: XCTest's executed/failures, Swift
# Testing's tests/failed tests and the notebook cells (a runner that printed no summary counts as one
# failure).
test: deps
	$(SWIFT) build --build-tests
	@set -o pipefail; status=0; \
	$(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tee .build/test-output.log || status=1; \
	$(SWIFT) test --skip-build --disable-xctest 2>&1 | tee .build/test-output-swift-testing.log || status=1; \
	xc=$$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test-output.log | tail -1 \
	  | sed -E 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/'); \
	st=$$(grep -E "Test run with [0-9]+ tests?" .build/test-output-swift-testing.log | tail -1 \
	  | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/'); \
	stf=$$(grep -E "Test .+ failed after" .build/test-output-swift-testing.log | grep -vc "Test run with"); \
	"$$($(SWIFT) build --show-bin-path)/NotebookRunner" check 2>&1 | tee .build/notebooks-output.log || status=1; \
	nb=$$(grep -E "^notebook cells: [0-9]+ passed, [0-9]+ failed" .build/notebooks-output.log | tail -1 \
	  | sed -E 's/notebook cells: ([0-9]+) passed, ([0-9]+) failed/\1 \2/'); \
	echo "$${xc:-0 0} $${st:-0} $${stf:-0} $${nb:-0 1}" \
	  | awk '{ print ($$1 - $$2 + $$3 - $$4 + $$5) " passed, " ($$2 + $$4 + $$6) " failed" }'; \
	exit $$status

# Runs every cell of every notebook in notebooks-md/ and fails on drift (notebooks-md/README.md).
# `swift build` compiles the notebooks' Swift cells too: they are the NotebookCells target.
notebooks: deps
	$(SWIFT) build
	"$$($(SWIFT) build --show-bin-path)/NotebookRunner" check

# Regenerates NotebookCells from the notebooks, rebuilds, and rewrites every recorded output and
# plot; `update` regenerates the sources again (recorded outputs move the cells' line numbers), so
# the last build and check confirm the result. Review the diff: every number the prose quotes must
# still match.
notebooks-update: deps
	$(SWIFT) build --product NotebookRunner
	"$$($(SWIFT) build --show-bin-path)/NotebookRunner" generate
	$(SWIFT) build
	"$$($(SWIFT) build --show-bin-path)/NotebookRunner" update
	$(SWIFT) build
	"$$($(SWIFT) build --show-bin-path)/NotebookRunner" check

bench: deps
	@# Incremental release builds have been seen to keep a client's copy of an @inlinable body
	@# after the body (or a class layout it touches) changed, which crashed or mis-measured the
	@# benchmark. Touching our sources makes every module of ours recompile; dependencies stay cached.
	find Sources -name '*.swift' -exec touch {} +
	$(SWIFT) build -c release --product AdjointBench
	$(SWIFT) build -c release --product jac
	$(SWIFT) run -c release --skip-build AdjointBench

# Adjoint against JAX (jit), PyTorch (eager, CPU build) and numdifftools on the same workloads, in
# one run: JSON lines `<workload>_adjoint_over_<peer>` (see Sources/AdjointBench/peers/bench_peers.py).
# Not part of `make test`. The venv comes from PyPI; PyTorch is optional (its CPU wheel is pinned
# because the plain `torch` wheel is the large CUDA build). Both sides run on one CPU (taskset) with
# single-threaded BLAS/XLA/PyTorch; PEER_CPU picks the CPU.
PEERS_VENV ?= .build/peers-venv
PEER_CPU ?= 1
bench-peers: deps
	test -x $(PEERS_VENV)/bin/python || python3 -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -c "import jax, numpy, numdifftools" 2>/dev/null \
	  || $(PEERS_VENV)/bin/pip install -q jax jaxlib numpy numdifftools
	$(PEERS_VENV)/bin/python -c "import torch" 2>/dev/null \
	  || $(PEERS_VENV)/bin/pip install -q "torch==2.13.0+cpu" \
	  || echo "PyTorch CPU wheel not available here: the torch column is skipped"
	find Sources -name '*.swift' -exec touch {} +
	$(SWIFT) build -c release --product AdjointBench
	taskset -c $(PEER_CPU) $(PEERS_VENV)/bin/python Sources/AdjointBench/peers/bench_peers.py \
	  "$$($(SWIFT) build -c release --show-bin-path)/AdjointBench"

# Our finite differences next to numdifftools (a benchmark, not a test): accuracy and evaluation
# counts for the gradient of the bench f at n = 100 and a few corpus functions. numdifftools comes
# from PyPI into a venv under .build (left out of git with the rest of .build).
bench-fd-peers: deps
	$(SWIFT) build -c release --product jac
	test -x $(PEERS_VENV)/bin/python || python3 -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -c "import numdifftools, numpy, mpmath" 2>/dev/null \
	  || $(PEERS_VENV)/bin/pip install -q numdifftools numpy mpmath
	$(PEERS_VENV)/bin/python scripts/fd_peers_bench.py --jac "$$($(SWIFT) build -c release --show-bin-path)/jac"

# Regenerates the finite-difference calibration corpus (true derivatives by SymPy/mpmath); the
# tests read the committed file, so this is needed only when the script changes.
fd-corpus:
	@test -x $(PEERS_VENV)/bin/python || python3 -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install -q sympy mpmath numpy
	$(PEERS_VENV)/bin/python scripts/fd_calibration_corpus.py > Tests/Data/fd-calibration.tsv

# The million-operation GMP rational test under valgrind: any definite or indirect leak fails.
# The suppressions cover only allocations XCTest itself makes (see the file). Built apart, with C
# debug info as DWARF 4: valgrind 3.19 cannot read clang's default DWARF 5 and gives up.
LEAKCHECK_BUILD := $(SWIFT) build --build-tests --build-path .build-leakcheck -Xcc -gdwarf-4
leakcheck: deps
	@command -v valgrind >/dev/null || { if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; }
	$(LEAKCHECK_BUILD)
	valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
	  --suppressions=.ci/valgrind-xctest.supp \
	  "$$($(LEAKCHECK_BUILD) --show-bin-path)/AdjointPackageTests.xctest" \
	  AdjointExactTests.RationalTests/testNoLiveGMPValuesAfterAMillionOperations

clean:
	rm -rf .build
