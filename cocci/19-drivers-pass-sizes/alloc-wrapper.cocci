// SPDX-License-Identifier: GPL-2.0-only
/// Remove a driver's private wrapper around iommu_alloc_pages_sz().
///
/// A driver that had to turn a byte size into an order kept a small static
/// helper for it (io-pgtable-dart's table allocator).  Once the helper's
/// whole body is "return iommu_alloc_pages_sz(gfp, size);" on its own two
/// parameters, it adds nothing: call iommu_alloc_pages_sz() directly, with
/// the arguments in the allocator's order, and remove the helper.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_pages_sz

virtual patch
virtual context
virtual report
virtual org

@sg depends on patch@
identifier f, s, g;
type Ts, Tg;
@@
- static void *f(Ts s, Tg g)
- {
-	return iommu_alloc_pages_sz(g, s);
- }

@depends on patch@
identifier sg.f;
expression S, G;
@@
- f(S, G)
+ iommu_alloc_pages_sz(G, S)

@gs depends on patch@
identifier f, s, g;
type Ts, Tg;
@@
- static void *f(Tg g, Ts s)
- {
-	return iommu_alloc_pages_sz(g, s);
- }

@depends on patch@
identifier gs.f;
expression S, G;
@@
- f(G, S)
+ iommu_alloc_pages_sz(G, S)

@depends on context@
identifier f, a, b;
type Ta, Tb;
position p;
@@
  static void *f@p(Ta a, Tb b)
  {
(
*	return iommu_alloc_pages_sz(a, b);
|
*	return iommu_alloc_pages_sz(b, a);
)
  }


@r depends on report || org@
identifier f, a, b;
type Ta, Tb;
position p;
@@
  static void *f@p(Ta a, Tb b)
  {
(
 	return iommu_alloc_pages_sz(a, b);
|
 	return iommu_alloc_pages_sz(b, a);
)
  }

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "wrapper of iommu_alloc_pages_sz(): call the allocator directly")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "wrapper of iommu_alloc_pages_sz(): call the allocator directly")
