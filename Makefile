# iommu-pages-migrate: see README.md for what each target does.
#
#   make apply   [KERNEL=path] [STEPS=1-6]   migrate a tree (default: a fresh 6.12 copy)
#   make test                                the test suite

PYTHON  ?= /usr/bin/python3
KERNEL  ?=
STEPS   ?=
BASE    ?=
ARCHES  ?= x86_64,arm64
VERSION ?= 6.12
TOOL    := $(PYTHON) scripts/apply-series.py
# Debian packages the tool and its tests need.
PACKAGES := coccinelle sparse python3 python3-pytest patch git make gcc \
	gcc-aarch64-linux-gnu flex bison bc libelf-dev libssl-dev dwarves \
	xz-utils rsync cpio kmod

steps_opt = $(if $(STEPS),--steps '$(STEPS)')
need_kernel = $(if $(KERNEL),,$(error KERNEL=path is required for '$@'))

.PHONY: all deps apply dry-run restore check verify bisect-check fetch copy \
	steps test test-fast bench help
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
	@if [ -z "$(KERNEL)" ]; then \
		k=$$($(TOOL) copy --version $(VERSION) | tail -n 1) || exit $$?; \
		echo "working copy: $$k"; \
	else k='$(KERNEL)'; fi; \
	$(TOOL) apply "$$k" $(steps_opt) && echo "migrated tree: $$k"

dry-run:
	$(need_kernel)
	@$(TOOL) dry-run '$(KERNEL)' $(steps_opt)

restore:
	$(need_kernel)
	@$(TOOL) restore '$(KERNEL)'

check:
	$(need_kernel)
	@$(TOOL) check '$(KERNEL)'

verify:
	$(need_kernel)
	@$(TOOL) verify '$(KERNEL)' --arch '$(ARCHES)' $(if $(BASE),--base '$(BASE)')

bisect-check:
	$(need_kernel)
	@$(TOOL) bisect-check '$(KERNEL)' --arch '$(ARCHES)' $(steps_opt)

fetch:
	@$(TOOL) fetch --version $(VERSION)

copy:
	@$(TOOL) copy --version $(VERSION) $(KERNEL)

steps:
	@$(TOOL) steps

# Figures, not tests: apply time per step against spatch's lower bound, check.
bench: deps
	@$(PYTHON) scripts/bench.py

# Unit and fixture tests only (seconds).
test-fast: deps
	$(PYTHON) -m pytest -q -m 'not kernel' tests

# Everything, including the end-to-end run on the real 6.12 base.
test: deps
	$(PYTHON) -m pytest -q tests
