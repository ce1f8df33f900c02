// SPDX-License-Identifier: GPL-2.0-only
/// Let the riscv IOMMU driver's page helper take a byte size instead of a
/// page order.
///
/// The riscv driver allocates its queues and directory tables through a
/// helper of its own that takes a page order and passes it, and nothing
/// else, to iommu_alloc_pages_node().  Make its parameter a byte size and
/// call iommu_alloc_pages_node_sz() with it.  Its callers then say what
/// they need in bytes:
///  - a queue, get_order(queue size), asks for max(queue size, SZ_4K):
///    the IOMMU addresses a queue by its 4 KiB page number, so the memory
///    must never be smaller, nor less aligned, than 4 KiB;
///  - a single table, order 0, asks for SZ_4K: directory tables are one
///    4 KiB page of the riscv IOMMU, whatever PAGE_SIZE is.
/// A local that only held get_order(size) for the call goes.  An order
/// that is used for anything else (a register field, another allocator)
/// is left alone, and so is the helper then.
///
/// The 4 KiB unit is a fact of the riscv IOMMU, so the rule only looks at
/// functions of the riscv driver (names starting with riscv_).  On a base
/// without that driver it changes nothing.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_pages_node
// (the helper h's call: the callers' rules need h's match in the same file)

virtual patch
virtual context
virtual report
virtual org

// The helper: an order parameter used only as the order of
// iommu_alloc_pages_node().
@h depends on patch@
identifier f =~ "^riscv_";
identifier order;
type T, R;
parameter list[k] before;
expression nid, gfp;
@@
  R f(before,
-     T order
+     size_t size
  )
  {
  ... when != order
- iommu_alloc_pages_node(nid, gfp, order)
+ iommu_alloc_pages_node_sz(nid, gfp, size)
  ... when != order
  }

// Callers with a local that holds get_order(size) (the local itself goes
// with unused-order-local.cocci once nothing else reads it).
@depends on patch@
identifier h.f, o;
expression list[h.k] es;
expression S, E;
type T;
@@
  T o = get_order(S);
  ... when != o = E
      when != S = E
  f(es,
-   o
+   max(S, SZ_4K)
  )

@depends on patch@
identifier h.f;
expression list[h.k] es;
expression S;
@@
  f(es,
(
-   get_order(S)
+   max(S, SZ_4K)
|
-   0
+   SZ_4K
)
  )

@depends on context@
identifier f =~ "^riscv_";
identifier order;
type T, R;
parameter list[k] before;
expression nid, gfp;
position p;
@@
  R f(before, T order)
  {
  <...
* iommu_alloc_pages_node@p(nid, gfp, order)
  ...>
  }


@r depends on report || org@
identifier f =~ "^riscv_";
identifier order;
type T, R;
parameter list[k] before;
expression nid, gfp;
position p;
@@
  R f(before, T order)
  {
  <...
  iommu_alloc_pages_node@p(nid, gfp, order)
  ...>
  }

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "riscv page helper: take a byte size (queues max(size, SZ_4K), tables SZ_4K)")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "riscv page helper: take a byte size (queues max(size, SZ_4K), tables SZ_4K)")
