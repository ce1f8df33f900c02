// SPDX-License-Identifier: GPL-2.0-only
/// Drop the order argument of iommu_free_pages().
///
/// The allocation knows its own order, so iommu_free_pages() takes only the
/// address.  Whatever the second argument was (a constant, get_order() of a
/// size, a local, a field) it is removed; the locals and fields that were
/// kept only to feed it are removed by dead-order-local.cocci and
/// dead-order-field.cocci, which run first.  A call spread over two lines is
/// joined onto one.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_free_pages

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
expression P, O;
@@
  iommu_free_pages(P
- , O
  )

@depends on context@
expression P, O;
@@
* iommu_free_pages(P, O)

@r depends on report || org@
expression P, O;
position p;
@@
  iommu_free_pages@p(P, O)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "iommu_free_pages() takes no order: drop the second argument")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "iommu_free_pages() takes no order: drop the second argument")
