// SPDX-License-Identifier: GPL-2.0-only
/// Allocate whole pages by size where the order also counts pages.
///
/// A helper that computes order = get_order(size), allocates with
/// iommu_alloc_pages(gfp, order) and then hands 1 << order pages to a
/// page-granular function (the AMD driver changes the direct-map page size
/// of its event log and semaphore with set_memory_4k()) needs memory made
/// of whole pages, which a sub-page size no longer guarantees.  Ask for
/// PAGE_ALIGN(size) bytes and count PAGE_ALIGN(size) / PAGE_SIZE pages:
/// that covers every byte the helper was asked for, in whole pages.  The
/// order local is then dead and goes with unused-order-local.cocci.
///
/// Only a 1 << order that is the page count of a set_memory_*() call
/// changes.  Any other use of the order (a register field, an entry count
/// such as (1 << order) * PAGE_SIZE / 16) keeps its value: 1 << order and
/// PAGE_ALIGN(size) / PAGE_SIZE differ when size is not a power-of-two
/// number of pages.  Without such a call the rule changes nothing, and
/// get-order-size.cocci converts the allocation alone.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_pages

virtual patch
virtual context
virtual report
virtual org

@pc depends on patch exists@
identifier o;
identifier setmem =~ "^set_memory_";
expression S, gfp, E, A;
type T;
@@
  T o = get_order(S);
  ... when != o = E
      when != S = E
- iommu_alloc_pages(gfp, o)
+ iommu_alloc_pages_sz(gfp, PAGE_ALIGN(S))
  ... when != o = E
      when != S = E
  setmem(A,
(
- (1 << o)
|
- 1 << o
)
+ PAGE_ALIGN(S) / PAGE_SIZE
  )

@depends on context exists@
identifier o;
identifier setmem =~ "^set_memory_";
expression S, gfp, E, A;
type T;
position p;
@@
  T o = get_order(S);
  ... when != o = E
* iommu_alloc_pages@p(gfp, o)
  ... when != o = E
* setmem(A, \(1 << o\|(1 << o)\))


@r depends on report || org exists@
identifier o;
identifier setmem =~ "^set_memory_";
expression S, gfp, E, A;
type T;
position p;
@@
  T o = get_order(S);
  ... when != o = E
  iommu_alloc_pages@p(gfp, o)
  ... when != o = E
  setmem(A, \(1 << o\|(1 << o)\))

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "whole pages: allocate PAGE_ALIGN(size) bytes and count PAGE_ALIGN(size) / PAGE_SIZE pages")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "whole pages: allocate PAGE_ALIGN(size) bytes and count PAGE_ALIGN(size) / PAGE_SIZE pages")
