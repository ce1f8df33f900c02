// SPDX-License-Identifier: GPL-2.0-only
/// Allocate the AMD interrupt remapping table by size.
///
/// Where the AMD driver allocates an interrupt remapping table from
/// iommu-pages, a small helper takes the node and a page order, and its
/// caller computes that order as get_order() of the table size (which
/// depends on the number of interrupts per table).  Pass the size instead:
/// the helper takes size_t size and asks iommu_alloc_pages_node_sz() for
/// max(DTE_INTTAB_ALIGNMENT, size) bytes, since the hardware needs the table
/// aligned to 128 bytes and iommu-pages aligns an allocation to its size;
/// the caller keeps the size it passed to get_order().
///
/// The helper is recognised by what it does: it stores the allocation in
/// the table member of a struct irq_remap_table (the driver's type) and
/// takes the order as its last parameter.  Its callers must compute the
/// order into a local with get_order() of the size and use it for nothing
/// else; if one does not, nothing in the file is changed and the step's
/// check reports the allocation.  DTE_INTTAB_ALIGNMENT (128) is the
/// driver's own constant.  Bases whose table comes from a kmem_cache
/// (6.12) have no such allocation; the rule changes nothing there.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_pages_node
// (the helper's call: every rewrite needs the helper matched in the same file)

virtual patch
virtual context
virtual report
virtual org

// The helper: it stores an iommu-pages allocation in the table member of a
// struct irq_remap_table, with an order that is its last parameter.
@helper depends on patch@
identifier fn, nid, order;
struct irq_remap_table *t;
expression gfp;
type T;
position hp;
@@
  T fn@hp(..., int order)
  {
  ...
  t->table = iommu_alloc_pages_node(nid, gfp, order)
  ...
  }

// Every call of the helper, and the calls whose order is get_order() of a
// size in a local that has no other use: only those can pass the size.
@call depends on patch@
identifier helper.fn;
position p;
@@
  fn@p(...)

@good depends on patch@
identifier helper.fn, order, f;
expression bytes, E;
type T;
position q;
@@
  T f(...)
  {
  ... when != order
  int order = get_order(bytes);
  ... when != order
  E = fn@q(..., order);
  ... when != order
  }

@initialize:python@
@@
all_calls = set()
good_calls = set()

@script:python depends on call@
p << call.p;
@@
all_calls.add((p[0].file, p[0].line, p[0].column))

@script:python depends on good@
q << good.q;
@@
good_calls.add((q[0].file, q[0].line, q[0].column))

// If one call in the file cannot be converted, nothing in the file is: changing the
// helper alone would hand it an order as a size.  The allocation then stays
// order-based and the step's check names it.
@script:python convertible depends on helper@
hp << helper.hp;
@@
here = set(c for c in all_calls if c[0] == hp[0].file)
if not here <= good_calls:
    cocci.include_match(False)

@depends on patch && convertible@
identifier helper.fn, helper.nid, helper.order;
struct irq_remap_table *t;
expression gfp;
type T;
@@
  T fn(...,
-      int order
+      size_t size
  )
  {
  ...
  t->table =
- iommu_alloc_pages_node(nid, gfp, order)
+ iommu_alloc_pages_node_sz(nid, gfp, max(DTE_INTTAB_ALIGNMENT, size))
  ...
  }

@depends on patch && convertible@
identifier helper.fn, order, f;
expression bytes, E;
type T;
@@
  T f(...)
  {
  ... when != order
- int order = get_order(bytes);
+ size_t size = bytes;
  ... when != order
  E = fn(...,
-        order
+        size
  );
  ... when != order
  }

@depends on context@
struct irq_remap_table *t;
expression nid, gfp, order;
@@
  t->table =
* iommu_alloc_pages_node(nid, gfp, order)

@r depends on report || org@
struct irq_remap_table *t;
expression nid, gfp, order;
position p;
@@
  t->table = iommu_alloc_pages_node@p(nid, gfp, order)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "AMD interrupt remapping table: pass its size, at least DTE_INTTAB_ALIGNMENT, to iommu_alloc_pages_node_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "AMD interrupt remapping table: pass its size, at least DTE_INTTAB_ALIGNMENT, to iommu_alloc_pages_node_sz()")
