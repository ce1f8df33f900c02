// SPDX-License-Identifier: GPL-2.0-only
/// tegra-smmu keeps its second-level page tables as struct page pointers:
/// as->pts is an array of them, and the helpers that allocate, install,
/// walk and free a table pass the struct page around, convert it with
/// page_address() and map it with dma_map_page().  The SMMU only reads
/// SMMU_NUM_PTE 32-bit entries; nothing needs the struct page.
///
/// Find the tables by what they are: the struct page ** member of the
/// address space whose entries are stored and loaded as struct page
/// values.  That member becomes an array of struct tegra_pt pointers, and
/// so does every struct page pointer that holds a table: locals and
/// parameters that are loaded from or stored into an entry, functions
/// that return such a value, locals that receive what those functions
/// return, and parameters that callers hand a table to.  Tables are then
/// allocated with iommu_alloc_page(), freed with iommu_free_page(),
/// mapped with dma_map_single() and unmapped with dma_unmap_single(),
/// and their entries are reached through ->val where page_address() was
/// used; a helper that only returned the address of one entry takes it
/// in the table (&t->val[i]).  A table variable still named for the
/// struct page it was (page, pt_page) is named pt where that name is free
/// in the function.
///
/// Specific to tegra-smmu: the new type is tegra's (the definition comes
/// from the hand patch of this step) and only struct tegra_smmu_as is
/// considered.  Values are followed one call level deep, which is what
/// the driver needs.
//
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: tegra_smmu_as
// (every change needs the gate pts: its E is typed by the file itself, --no-includes)

virtual patch
virtual context
virtual report
virtual org

// The table array: a struct page ** member of the address space whose
// entries hold iommu-pages memory.  Some function loads an entry into a
// variable (or stores the variable into an entry) that it also
// allocates with __iommu_alloc_pages() or frees with
// __iommu_free_pages().
@pts exists@
identifier S = {tegra_smmu_as};
identifier F, fn, x;
struct S *E;
expression i, gfp;
@@
  fn(...) {
  ... when any
(
  struct page *x = E->F[i];
  ... when any
  \(x = __iommu_alloc_pages(gfp, 0);\|__iommu_free_pages(x, 0);\)
|
  \(x = __iommu_alloc_pages(gfp, 0);\|__iommu_free_pages(x, 0);\)
  ... when any
  \(E->F[i] = x;\|x = E->F[i];\)
|
  \(E->F[i] = x;\|x = E->F[i];\)
  ... when any
  \(x = __iommu_alloc_pages(gfp, 0);\|__iommu_free_pages(x, 0);\)
)
  ... when any
  }

// The member, for the report and context modes.
@pts_at@
identifier pts.S, pts.F;
position p;
@@
  struct S {
  ...
  struct page **F@p;
  ...
  };

@pts_member depends on patch@
identifier pts.S, pts.F;
@@
  struct S {
  ...
- struct page **F;
+ struct tegra_pt **F;
  ...
  };

// Variables that hold a table: loaded from or stored into an entry.
@tv depends on patch exists@
identifier pts.S, pts.F, fn, x;
struct S *E;
expression i;
@@
  fn(...) {
  <+...
(
  x = E->F[i]
|
  E->F[i] = x
)
  ...+>
  }

@depends on patch@
identifier tv.fn, tv.x;
@@
  fn(...,
- struct page *x
+ struct tegra_pt *x
  , ...) { ... }

@depends on patch exists@
identifier tv.fn, tv.x;
expression init;
@@
  fn(...) {
  ...
(
- struct page *x = init;
+ struct tegra_pt *x = init;
|
- struct page *x;
+ struct tegra_pt *x;
)
  ...
  }

// From here on a table is recognised by its type: the variables above
// are struct tegra_pt pointers now.

// Functions that hand out a table.
@tret depends on patch exists@
identifier pts.S, pts.F, fn;
struct S *E;
expression i;
struct tegra_pt *t;
@@
  struct page *fn(...) {
  ...
(
  return t;
|
  return E->F[i];
)
  }

// (the parameters are printed again so that continuation lines stay
// aligned with the opening parenthesis)
@depends on patch@
identifier tret.fn;
parameter list ps;
@@
- struct page *
+ struct tegra_pt *
  fn(
- ps
+ ps
  ) { ... }

@depends on patch@
identifier tret.fn;
@@
- struct page *
+ struct tegra_pt *
  fn(...);

// Locals that receive what those functions return.
@tcall depends on patch exists@
identifier tret.fn, g, y;
@@
  g(...) {
  <+...
  y = fn(...)
  ...+>
  }

@depends on patch exists@
identifier tcall.g, tcall.y;
expression init;
@@
  g(...) {
  ...
(
- struct page *y = init;
+ struct tegra_pt *y = init;
|
- struct page *y;
+ struct tegra_pt *y;
)
  ...
  }

// Parameters that callers hand a table to.
@targ depends on patch@
identifier pts.S, pts.F, h;
struct S *E;
expression i;
struct tegra_pt *t;
expression list[n] es;
@@
(
  h(es, t, ...)
|
  h(es, E->F[i], ...)
)

@depends on patch@
identifier targ.h, p;
parameter list[targ.n] ps;
@@
  h(ps,
- struct page *p
+ struct tegra_pt *p
  , ...) { ... }

// A helper whose only work is the address of one entry of a table:
// take it in the table itself.
@depends on patch@
typedef u32;
identifier y;
struct tegra_pt *t;
expression i;
@@
- u32 *y = page_address(t);
-
(
- return y + (i);
+ return &t->val[i];
|
- return y + i;
+ return &t->val[i];
)

// What is done with a table.
@depends on patch@
identifier pts.S, pts.F;
struct S *E;
expression i;
struct tegra_pt *t;
expression gfp;
@@
(
- page_address(t)
+ t->val
|
- page_address(E->F[i])
+ E->F[i]->val
|
- __iommu_free_pages(t, 0)
+ iommu_free_page(t)
|
- __iommu_free_pages(E->F[i], 0)
+ iommu_free_page(E->F[i])
|
  t =
- __iommu_alloc_pages(gfp, 0)
+ iommu_alloc_page(gfp)
|
  E->F[i] =
- __iommu_alloc_pages(gfp, 0)
+ iommu_alloc_page(gfp)
)

// The mapping of a table; DEV and SIZE say which unmaps undo it.
@pt_map depends on patch@
identifier pts.S, pts.F;
struct S *E;
expression i;
struct tegra_pt *t;
expression dev, size, dir;
@@
(
- dma_map_page(dev, t, 0, size, dir)
+ dma_map_single(dev, t, size, dir)
|
- dma_map_page(dev, E->F[i], 0, size, dir)
+ dma_map_single(dev, E->F[i], size, dir)
)

@depends on patch@
expression pt_map.dev, pt_map.size;
expression handle, dir;
@@
- dma_unmap_page(dev, handle, size, dir)
+ dma_unmap_single(dev, handle, size, dir)

// A table variable or parameter still named for the struct page it
// was (page, pt_page, ...) is named pt, in every function where that
// name is free.
@ren_p depends on patch@
identifier fn, x =~ "page";
@@
  fn(..., struct tegra_pt *x, ...) { ... }

@ren_l depends on patch exists@
identifier fn, x =~ "page";
expression init;
@@
  fn(...) {
  ... when any
(
  struct tegra_pt *x;
|
  struct tegra_pt *x = init;
)
  ... when any
  }

@taken_p depends on patch@
identifier fn, name = {pt};
type T;
@@
  fn(..., T name, ...) { ... }

@taken_l depends on patch exists@
identifier fn, name = {pt};
@@
  fn(...) {
  <+... name ...+>
  }

@initialize:python@
@@
pt_taken = set()

@script:python depends on taken_p@
fn << taken_p.fn;
@@
pt_taken.add(fn)

@script:python depends on taken_l@
fn << taken_l.fn;
@@
pt_taken.add(fn)

@script:python rp@
fn << ren_p.fn;
x << ren_p.x;
rfn;
rx;
pt;
@@
if fn in pt_taken:
    cocci.include_match(False)
else:
    coccinelle.rfn = fn
    coccinelle.rx = x
    coccinelle.pt = "pt"

@script:python rl@
fn << ren_l.fn;
x << ren_l.x;
rfn;
rx;
pt;
@@
if fn in pt_taken:
    cocci.include_match(False)
else:
    coccinelle.rfn = fn
    coccinelle.rx = x
    coccinelle.pt = "pt"

@depends on patch@
identifier rp.rfn, rp.rx, rp.pt;
@@
  rfn(...,
- struct tegra_pt *rx
+ struct tegra_pt *pt
  , ...) {
  <...
- rx
+ pt
  ...>
  }

@depends on patch@
identifier rl.rfn, rl.rx, rl.pt;
expression init;
@@
  rfn(...) {
  <...
(
- struct tegra_pt *rx;
+ struct tegra_pt *pt;
|
- struct tegra_pt *rx = init;
+ struct tegra_pt *pt = init;
|
- rx
+ pt
)
  ...>
  }

// Report and context modes: point at the table array member.

@depends on context && !patch@
identifier pts.S, pts.F;
position pts_at.p;
@@
  struct S {
  ...
* struct page **F@p;
  ...
  };

@script:python depends on report && !patch@
p << pts_at.p;
@@
coccilib.report.print_report(p[0], "tegra page table held as a struct page: use struct tegra_pt")

@script:python depends on org && !patch@
p << pts_at.p;
@@
coccilib.org.print_todo(p[0], "tegra page table held as a struct page: use struct tegra_pt")
