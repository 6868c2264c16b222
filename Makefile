# Adjoint: `make demo`, `make test`, `make bench`. Each target installs the Debian packages it needs
# first, so the commands work on a fresh clone (CI has nothing installed by hand).
SHELL := /bin/bash
DEB_PACKAGES := liblapacke-dev libopenblas-dev libgmp-dev pkg-config
SWIFT ?= swift
# Tests and benchmarks measure single-threaded BLAS unless told otherwise; results must not depend
# on how many cores the machine has.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build demo test bench bench-fd-peers fd-corpus clean leakcheck

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

# Every test is XCTest, so the (empty) swift-testing pass is disabled: its "0 tests" closing line
# would read as a run that tested nothing. The last line is the plain "N passed, N failed" summary.
test: deps
	$(SWIFT) build --build-tests
	@set -o pipefail; $(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tee .build/test-output.log
	@grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test-output.log | tail -1 \
	  | sed -E 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/' \
	  | awk '{ print ($$1 - $$2) " passed, " $$2 " failed" }'

bench: deps
	@# Incremental release builds have been seen to keep a client's copy of an @inlinable body
	@# after the body (or a class layout it touches) changed, which crashed or mis-measured the
	@# benchmark. Touching our sources makes every module of ours recompile; dependencies stay cached.
	find Sources -name '*.swift' -exec touch {} +
	$(SWIFT) build -c release --product AdjointBench
	$(SWIFT) build -c release --product jac
	$(SWIFT) run -c release --skip-build AdjointBench

# Our finite differences next to numdifftools (a benchmark, not a test): accuracy and evaluation
# counts for the gradient of the bench f at n = 100 and a few corpus functions. numdifftools comes
# from PyPI into a venv under .build (left out of git with the rest of .build).
PEERS_VENV := .build/peers-venv
bench-fd-peers: deps
	$(SWIFT) build -c release --product jac
	@test -x $(PEERS_VENV)/bin/python || { python3 -m venv $(PEERS_VENV) && \
	  $(PEERS_VENV)/bin/pip install -q numdifftools numpy mpmath; }
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
