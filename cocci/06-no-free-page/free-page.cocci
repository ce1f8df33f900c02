// SPDX-License-Identifier: GPL-2.0-only
/// Free single pages with iommu_free_pages().
///
/// iommu_free_pages() finds the order of an allocation by itself, so
/// iommu_free_page() is the same function under another name.  Call
/// iommu_free_pages() instead, so that iommu_free_page() can be removed.
/// Where the function itself is the value (a callback in an ops table, an
/// action handed to devm_add_action()), name iommu_free_pages(): both take
/// the address alone, so the callback's type is unchanged.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_free_page

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
@@
- iommu_free_page
+ iommu_free_pages
  (...)

@depends on patch@
symbol iommu_free_page;
@@
- iommu_free_page
+ iommu_free_pages

@depends on context@
@@
* iommu_free_page(...)

@r depends on report || org@
position p;
@@
  iommu_free_page@p(...)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "iommu_free_page() is going away: use iommu_free_pages()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "iommu_free_page() is going away: use iommu_free_pages()")
