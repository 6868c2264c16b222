# Adjoint: `make demo`, `make test`, `make bench`. Each target installs the Debian packages it needs
# first, so the commands work on a fresh clone (CI has nothing installed by hand).
SHELL := /bin/bash
DEB_PACKAGES := liblapacke-dev libopenblas-dev libgmp-dev pkg-config
SWIFT ?= swift
# Tests and benchmarks measure single-threaded BLAS unless told otherwise; results must not depend
# on how many cores the machine has.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build demo test notebooks notebooks-update bench bench-peers bench-fd-peers fd-corpus clean leakcheck fuzz sanitize

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

# One build, optimised, and every test against it: XCTest (the swift-testing pass disabled, so its
# closing line cannot be mistaken for the whole run), then Swift Testing alone (AdjointTesting's
# @Test suites), then the notebooks (`make notebooks`' check, against the same binaries). Any pass
# failing fails the target. Why optimised: the optimiser may end an object's lifetime at its last
# named use, which a debug build never does, and a concurrent driver reading raw memory after that
# passed every debug test while returning zeros. Why only optimised: a debug build beside it, and
# the whole suite run in it, made a fresh clone's `make test` 20 minutes on 2 cores (Zen 1,
# 2026-12-06: debug build 4, optimised build 16 of them beside 13 of debug tests), against about
# 15 wanted. Only the library is optimised: Package.swift keeps the test targets at -Onone, and
# `-assert-config Debug` keeps the library's `assert`s, which the debug build alone had run.
# ADJOINT_LIVE_COUNT compiles in the counter of live GMP values the leak test reads. The last line
# is the plain "N passed, N failed" summary of the three (a runner that printed no summary counts
# as one failure).
TEST_FLAGS = -c release -Xswiftc -enable-testing -Xswiftc -assert-config -Xswiftc Debug \
  -Xswiftc -DADJOINT_LIVE_COUNT --build-path .build/release-tests
# ADJOINT_TEST_BUILD compiles the executables no test runs (the benchmarks, the demo) unoptimised:
# they are built only to show they still compile (Package.swift, at its end). Every invocation on
# .build/release-tests sets it, so all of them see the same manifest.
TEST_SWIFT = ADJOINT_TEST_BUILD=1 $(SWIFT)
# XCTest's last summary line as "executed failures skipped"; it reads "with N tests skipped and M
# failures" when a test skipped itself (a missing line counts as a failure below).
XCTEST_SUMMARY = s/.*Executed ([0-9]+) tests?, with ([0-9]+) tests? skipped and ([0-9]+) failures?.*/\1 \3 \2/; s/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2 0/

test: deps
	$(TEST_SWIFT) build --build-tests $(TEST_FLAGS)
	@set -o pipefail; status=0; mkdir -p .build; \
	$(TEST_SWIFT) test --skip-build --disable-swift-testing $(TEST_FLAGS) 2>&1 | tee .build/test-output.log || status=1; \
	$(TEST_SWIFT) test --skip-build --disable-xctest $(TEST_FLAGS) 2>&1 | tee .build/test-output-swift-testing.log || status=1; \
	"$$($(TEST_SWIFT) build $(TEST_FLAGS) --show-bin-path)/NotebookRunner" check 2>&1 | tee .build/notebooks-output.log || status=1; \
	xc=$$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" \
	  .build/test-output.log | tail -1 | sed -E "$(XCTEST_SUMMARY)"); \
	st=$$(grep -E "Test run with [0-9]+ tests?" .build/test-output-swift-testing.log | tail -1 \
	  | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/'); \
	stf=$$(grep -E "Test .+ failed after" .build/test-output-swift-testing.log | grep -vc "Test run with"); \
	nb=$$(grep -E "^notebook cells: [0-9]+ passed, [0-9]+ failed" .build/notebooks-output.log | tail -1 \
	  | sed -E 's/notebook cells: ([0-9]+) passed, ([0-9]+) failed/\1 \2/'); \
	echo "$${xc:-0 1 0} $${st:-0} $${stf:-0} $${nb:-0 1}" \
	  | awk '{ print ($$1 - $$2 - $$3 + $$4 - $$5 + $$6) " passed, " ($$2 + $$5 + $$7) " failed, " $$3 " skipped" }'; \
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
	$(SWIFT) build -c release --product AdjointHarnessBench
	$(SWIFT) build -c release --product jac
	$(SWIFT) run -c release --skip-build AdjointBench
	$(SWIFT) run -c release --skip-build AdjointHarnessBench

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

# libFuzzer on the formula parser and on the evaluator/differentiator (every mode against the
# others), FUZZ_SECONDS each (default 300), starting from and adding to the committed corpus in
# Tests/FuzzCorpus, which `make test` replays. The targets (Fuzz/) exist only with ADJOINT_FUZZ
# set (see Package.swift) and are built apart in .build-fuzz, in debug: a release (whole-module)
# build came out with coverage counters for the entry function only (5 instead of ~17,000), which
# leaves libFuzzer blind. AddressSanitizer is on, since libFuzzer without it dies with SIGILL
# here. New inputs are merged (minimised) into the corpus.
FUZZ_SECONDS ?= 300
FUZZ_BUILD := ADJOINT_FUZZ=1 $(SWIFT) build -c debug --sanitize=fuzzer --sanitize=address --build-path .build-fuzz
fuzz: deps
	$(FUZZ_BUILD) --product FuzzFormulaParser
	$(FUZZ_BUILD) --product FuzzEvaluate
	@bin="$$($(FUZZ_BUILD) --show-bin-path)"; set -eo pipefail; rm -rf .build-fuzz/artifacts; mkdir -p .build-fuzz/artifacts; \
	for t in FuzzFormulaParser:formula FuzzEvaluate:evaluate; do \
	  target=$${t%%:*}; corpus=Tests/FuzzCorpus/$${t##*:}; new=.build-fuzz/new-$${t##*:}; \
	  rm -rf $$new; mkdir -p $$new; \
	  echo "== $$target for $(FUZZ_SECONDS) s (corpus $$corpus: $$(ls $$corpus | wc -l) inputs)"; \
	  ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$$bin/$$target" $$new $$corpus \
	    -fork=1 -ignore_crashes=1 -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
	    -artifact_prefix=.build-fuzz/artifacts/ > .build-fuzz/$$target.log 2>&1 || true; \
	  grep -E "^#[0-9]+: cov|INFO: fuzzed for|Fatal error|ERROR: " .build-fuzz/$$target.log | tail -4; \
	  ASAN_OPTIONS=detect_leaks=0 "$$bin/$$target" -merge=1 $$corpus $$new > .build-fuzz/$$target-merge.log 2>&1; \
	done
	@echo "corpus now: $$(ls Tests/FuzzCorpus/formula | wc -l) formula, $$(ls Tests/FuzzCorpus/evaluate | wc -l) evaluate inputs"
	@# -fork/-ignore_crashes keep fuzzing past a failure so one run finds every distinct one;
	@# any crash artifact fails the target.
	@if [ -n "$$(ls .build-fuzz/artifacts)" ]; then \
	  echo "failing inputs (replay: .build-fuzz/debug/FuzzEvaluate FILE):"; ls .build-fuzz/artifacts/; exit 1; fi

# The whole test suite under AddressSanitizer (leak checks on, suppressing only leaks inside the
# toolchain's own libraries, see .ci/lsan-suppressions.txt), then the concurrency tests under
# ThreadSanitizer. Separate build paths keep the normal .build untouched. The suppression table
# is not printed: child processes (jac in JacTests) inherit LSAN_OPTIONS, and the table appended
# to their standard error broke the tests that compare it.
TSAN_TESTS := ScaleTests|CountTests|ObservedTapeTests|ComplexitySweepTests|TapeLifetimeTests|ConcurrencyTests|ConcurrentJacobianTests|BufferReuseTests|ConcurrentCheck
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=address --build-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/.ci/lsan-suppressions.txt:print_suppressions=0 \
	  $(SWIFT) test --skip-build --sanitize=address --build-path .build-asan --disable-swift-testing
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	TSAN_OPTIONS=suppressions=$(CURDIR)/.ci/tsan-suppressions.txt \
	  $(SWIFT) test --skip-build --sanitize=thread --build-path .build-tsan --disable-swift-testing \
	  --filter "$(TSAN_TESTS)"

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz
