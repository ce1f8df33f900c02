# iommu-pages-migrate: see README.md for what each target does.
#
#   make apply   [KERNEL=path] [STEPS=1-6]   migrate a tree (default: a fresh 6.12 copy;
#                                            FORMAT_LINES=0: changed lines not clang-formatted)
#   make series  KERNEL=path [VERSION=n]     the patches to send, with a cover letter
#   make test                                the test suite
#   make stress  [RUNS=200] [SEED=n]         the signal loop as a bench (outcome counts)

PYTHON  ?= /usr/bin/python3
KERNEL  ?=
STEPS   ?=
BASE    ?=
ARCHES  ?= x86_64,arm64
# the default base: bases.DEFAULT (tests/test_source_of_truth.py checks it)
VERSION ?= 6.12
RUNS    ?= 200
# pytest workers of make test (python3-pytest-xdist; a file's tests stay together)
TEST_JOBS ?= 2
# Python starts with SIGINT ignored: a Ctrl-C while the interpreter loads,
# before the tool's first line sets its handler, is dropped instead of
# printing Python's own KeyboardInterrupt traceback (coreutils env).
TOOL    := env --ignore-signal=INT $(PYTHON) scripts/apply-series.py
# Debian packages the tool and its tests need.
PACKAGES := coccinelle sparse python3 python3-pytest patch git make gcc \
	gcc-aarch64-linux-gnu flex bison bc libelf-dev libssl-dev dwarves \
	xz-utils rsync cpio kmod \
	qemu-system-x86 qemu-system-arm busybox-static ccache util-linux file \
	clang-format python3-pytest-xdist

# Values reach the tool through the environment and are taken literally
# (no make expansion, no shell quoting): a path may hold spaces, quotes,
# '$', ';' or '&'.  Recipes use them only as "$$IPM_...".
export IPM_KERNEL  := $(value KERNEL)
export IPM_STEPS   := $(value STEPS)
export IPM_BASE    := $(value BASE)
export IPM_ARCHES  := $(value ARCHES)
export IPM_VERSION := $(value VERSION)
export IPM_OUT     := $(value OUT)
export IPM_FORMAT  := $(value FORMAT)
export IPM_RUNS    := $(value RUNS)
export IPM_SEED    := $(value SEED)
# FORMAT_LINES=0: leave the lines the rules change as spatch prints them
# (default: formatted per the tree's .clang-format, see scripts/ipm/fmt.py).
export IPM_FORMAT_LINES := $(value FORMAT_LINES)
export IPM_ONLY    := $(value ONLY)
# VERSION is the base for apply/copy/fetch (default 6.12) and the reroll
# count for series and dry-run, where only a VERSION given on the command
# line counts.
version_opt = $(if $(filter command line,$(origin VERSION)),--version "$$IPM_VERSION")
steps_opt = $(if $(value STEPS),--steps "$$IPM_STEPS")
base_opt = $(if $(value BASE),--base "$$IPM_BASE")
need_kernel = $(if $(value KERNEL),,$(error KERNEL=path is required for '$@'))

.PHONY: all deps apply dry-run restore check verify bisect-check fetch copy \
	steps test test-fast test-full bench stress help series runtime \
	test-runtime test-sanitize
all: help

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@missing=$$(for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	echo "deps: installing" $$missing; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -q >/dev/null && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q \
		--no-install-recommends $$missing >/dev/null && echo "deps: done"

apply: deps
	@if [ -z "$$IPM_KERNEL" ]; then \
		k=$$($(TOOL) copy --version "$$IPM_VERSION" | tail -n 1) || exit $$?; \
		echo "working copy: $$k"; \
	else k="$$IPM_KERNEL"; fi; \
	$(TOOL) apply $(steps_opt) -- "$$k" && echo "migrated tree: $$k"

dry-run:
	$(need_kernel)
	@$(TOOL) dry-run $(steps_opt) \
		$(if $(value FORMAT),--format "$$IPM_FORMAT") $(version_opt) -- "$$IPM_KERNEL"

# The steps as commits and format-patch files with a cover letter.
series: deps
	$(need_kernel)
	@$(TOOL) series $(steps_opt) $(version_opt) \
		$(if $(value OUT),--out "$$IPM_OUT") \
		$(if $(value BUILD),--build "$$IPM_ARCHES") -- "$$IPM_KERNEL"

restore:
	$(need_kernel)
	@$(TOOL) restore -- "$$IPM_KERNEL"

check:
	$(need_kernel)
	@$(TOOL) check -- "$$IPM_KERNEL"

verify:
	$(need_kernel)
	@$(TOOL) verify --arch "$$IPM_ARCHES" $(base_opt) -- "$$IPM_KERNEL"

bisect-check:
	$(need_kernel)
	@$(TOOL) bisect-check --arch "$$IPM_ARCHES" $(steps_opt) -- "$$IPM_KERNEL"

# Boot the migrated and the base kernel under QEMU with an emulated IOMMU
# (scripts/ipm/runtime.py); ARCHES as for verify.  SANITIZE=1: the
# sanitizer variant (KASAN, DEBUG_VM, DEBUG_PAGEALLOC, kmemleak, io-pgtable
# self-tests); ONLY=intel,...: only the scenarios naming one of these;
# NO_BASE=1: the migrated kernel alone, no base kernel to compare with.
runtime: deps
	$(need_kernel)
	@$(TOOL) runtime --arch "$$IPM_ARCHES" $(base_opt) \
		$(if $(filter-out 0,$(value SANITIZE)),--sanitize) --only "$$IPM_ONLY" \
		$(if $(filter-out 0,$(value NO_BASE)),--no-base) \
		-- "$$IPM_KERNEL"

fetch:
	@$(TOOL) fetch --version "$$IPM_VERSION"

copy:
	@$(TOOL) copy --version "$$IPM_VERSION" $${IPM_KERNEL:+-- "$$IPM_KERNEL"}

steps:
	@$(TOOL) steps

# Figures, not tests (see docs/performance.md): apply per step against spatch's lower
# bound, check, plain patches on a moved base; FULL=1 adds verify and
# bisect-check (minutes).  GNU time gives the CPU time and peak RSS of
# each spatch run.
PACKAGES += time
bench: deps
	@$(PYTHON) scripts/bench.py $(if $(filter-out 0,$(value FULL)),--full)

# The signal loop of the tests as a bench (scripts/stress.py): RUNS runs of
# apply on a fake tree with SIGINT/SIGTERM/SIGKILL at random moments, seeds
# SEED.. (default: from the clock); the count of each outcome, exit 1 on
# any other outcome.
stress: deps
	@nice -n 10 $(PYTHON) scripts/stress.py --runs "$$IPM_RUNS" \
		$(if $(value SEED),--seed "$$IPM_SEED")

# Unit and fixture tests only (seconds).
test-fast: deps
	$(PYTHON) -m pytest -q -m 'not kernel' tests

# What CI runs: unit and fixture tests, the end-to-end runs on the real
# 6.12 base, and one QEMU scenario per architecture on the migrated kernel
# alone (tests/test_runtime.py, marker 'runtime').  Not the other QEMU
# scenarios and the base kernels (marker 'full') nor the sanitizer kernels
# (marker 'sanitize'): make test-full runs those too.
test: deps
	$(PYTHON) -m pytest -q -n $(TEST_JOBS) --dist loadfile \
		-m 'not full and not sanitize' $(PYTEST_ARGS) tests

# Release check: everything, every QEMU scenario and the sanitizer variant.
test-full: deps
	$(PYTHON) -m pytest -q $(PYTEST_ARGS) tests

# Only the QEMU boots of make test (add -m full's by make test-full).
test-runtime: deps
	$(PYTHON) -m pytest -q -m 'runtime and not full and not sanitize' tests

# The sanitizer variant and its negative proofs (tests/test_sanitize.py,
# marker 'sanitize'; not part of make test: see docs/verification.md).
test-sanitize: deps
	$(PYTHON) -m pytest -q -m sanitize tests/test_sanitize.py
