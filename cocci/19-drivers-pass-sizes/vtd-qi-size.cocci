// SPDX-License-Identifier: GPL-2.0-only
/// Give the VT-d queued-invalidation area its size in bytes.
///
/// The invalidation queue of a VT-d unit holds 256 descriptors: 128-bit
/// ones, 4 KiB, or 256-bit ones in scalable mode, 8 KiB.  The driver
/// picks an order from the capability (ecap_smts() ? 1 : 0) and passes it
/// to iommu_alloc_pages_node().  The queue size register counts 4 KiB
/// pages of the hardware, whatever PAGE_SIZE is, so order n means
/// 4 KiB << n: allocate with iommu_alloc_pages_node_sz() and the sizes
/// themselves (ecap_smts() ? SZ_8K : SZ_4K).  The local order goes with
/// its assignment when nothing else reads it.
///
/// The 4 KiB unit is a VT-d fact; the rule keys on an order chosen by a
/// VT-d extended capability test (ecap_*()) between two constant orders.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_pages_node
// (the gate q's call: the other rewrites need q's match)

virtual patch
virtual context
virtual report
virtual org

@q depends on patch@
identifier o;
identifier cap =~ "^ecap_";
expression C, nid, gfp;
constant c1, c2;
position p;
@@
  o = cap(C) ? c1 : c2;
  ... when != o
  iommu_alloc_pages_node@p(nid, gfp, o)
  ... when != o

@script:python sz@
c1 << q.c1;
c2 << q.c2;
s1;
s2;
@@
def _size(c):
    try:
        n = int(c.rstrip("uUlL"), 0)
    except ValueError:
        cocci.include_match(False)
        return "0"
    kib = 4 << n
    return "SZ_%dM" % (kib >> 10) if kib >= 1024 else "SZ_%dK" % kib

coccinelle.s1 = _size(c1)
coccinelle.s2 = _size(c2)

@depends on patch@
identifier q.o, q.cap;
expression q.C, q.nid, q.gfp;
constant q.c1, q.c2;
identifier sz.s1, sz.s2;
position q.p;
@@
- o = cap(C) ? c1 : c2;
  ... when != o
- iommu_alloc_pages_node@p(nid, gfp, o)
+ iommu_alloc_pages_node_sz(nid, gfp, cap(C) ? s1 : s2)
  ... when != o

// The local, when it is read nowhere else.
@depends on patch@
identifier q.o, fn;
type T;
@@
  fn(...) {
  ... when != o
- T o;
  ... when != o
  }

@depends on context@
identifier o;
identifier cap =~ "^ecap_";
expression C, nid, gfp;
constant c1, c2;
position p;
@@
* o = cap(C) ? c1 : c2;
  ... when != o
* iommu_alloc_pages_node@p(nid, gfp, o)


@r depends on report || org@
identifier o;
identifier cap =~ "^ecap_";
expression C, nid, gfp;
constant c1, c2;
position p;
@@
  o = cap(C) ? c1 : c2;
  ... when != o
  iommu_alloc_pages_node@p(nid, gfp, o)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "VT-d invalidation queue: pass SZ_4K / SZ_8K, not an order")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "VT-d invalidation queue: pass SZ_4K / SZ_8K, not an order")
