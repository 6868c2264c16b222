# Adjoint: `make demo`, `make test`, `make bench`. Each target installs the Debian packages it needs
# first, so the commands work on a fresh clone (CI has nothing installed by hand).
SHELL := /bin/bash
DEB_PACKAGES := liblapacke-dev libopenblas-dev libgmp-dev pkg-config
SWIFT ?= swift
# Tests and benchmarks measure single-threaded BLAS unless told otherwise; results must not depend
# on how many cores the machine has.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build demo test bench clean leakcheck fuzz sanitize

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
# ThreadSanitizer. Separate build paths keep the normal .build untouched.
TSAN_TESTS := ScaleTests|CountTests|ComplexitySweepTests|TapeLifetimeTests|ConcurrencyTests
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=address --build-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/.ci/lsan-suppressions.txt:print_suppressions=1 \
	  $(SWIFT) test --skip-build --sanitize=address --build-path .build-asan --disable-swift-testing
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --build-path .build-tsan --disable-swift-testing \
	  --filter "$(TSAN_TESTS)"

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz
