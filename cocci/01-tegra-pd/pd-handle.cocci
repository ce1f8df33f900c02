// SPDX-License-Identifier: GPL-2.0-only
/// tegra-smmu keeps the page directory of an address space as a struct
/// page pointer that it gets from __iommu_alloc_pages(gfp, 0), turns into
/// an address with page_address() and maps with dma_map_page().  Nothing
/// needs the struct page: the SMMU reads SMMU_NUM_PDE 32-bit entries.
///
/// Find the directory by what it is, a struct page pointer member of the
/// address space that is allocated from iommu-pages, and make it a
/// struct tegra_pd pointer: allocate it with iommu_alloc_page(), free it
/// with iommu_free_page(), map it with dma_map_single() and unmap that
/// mapping with dma_unmap_single(), and read the entries through ->val
/// where page_address() was used.  A u32 pointer local that only held
/// page_address() to index an entry goes: the entry is indexed in the
/// member (E->F->val[i]), and the size of one entry, which the PDE sync
/// in tegra_smmu_set_pde() multiplies by the index to get its offset, is
/// sizeof(*E->F->val).
///
/// Specific to tegra-smmu: the new type is tegra's (the definition comes
/// from the hand patch of this step) and only struct tegra_smmu_as is
/// considered.
//
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: tegra_smmu_as
// (every change needs the gate pd: its E is typed by the file itself, --no-includes)

virtual patch
virtual context
virtual report
virtual org

// The directory: a struct page pointer member of the address space that
// receives an order-0 iommu-pages allocation.
@pd@
identifier S = {tegra_smmu_as};
identifier F;
struct S *E;
expression gfp;
position p;
@@
  E->F = __iommu_alloc_pages@p(gfp, 0)

@pd_member depends on patch@
identifier pd.S, pd.F;
@@
  struct S {
  ...
- struct page *F;
+ struct tegra_pd *F;
  ...
  };

@depends on patch@
identifier pd.S, pd.F;
struct S *E;
expression gfp;
@@
  E->F =
- __iommu_alloc_pages(gfp, 0)
+ iommu_alloc_page(gfp)

@depends on patch@
identifier pd.S, pd.F;
struct S *E;
@@
- __iommu_free_pages(E->F, 0)
+ iommu_free_page(E->F)

// The mapping of the whole directory; H is the member keeping its handle.
@pd_map depends on patch@
identifier pd.S, pd.F, H;
struct S *E;
expression dev, size, dir;
@@
  E->H =
- dma_map_page(dev, E->F, 0, size, dir)
+ dma_map_single(dev, E->F, size, dir)

@depends on patch@
identifier pd.S, pd_map.H;
struct S *E;
expression dev, size, dir;
@@
- dma_unmap_page(dev, E->H, size, dir)
+ dma_unmap_single(dev, E->H, size, dir)

// A u32 pointer local that holds the directory's address, used to index
// an entry or to take the size of one: index the member itself
// (E->F->val[i], sizeof(*E->F->val)), and drop the local once nothing
// else uses it.  The offset of the PDE sync stays index * the size of
// one entry.  Nothing is done in a file where such a local is changed
// after it got the directory's address; other uses of the local keep
// it, as u32 *x = E->F->val (the rule after these).
@pdl depends on patch exists@
typedef u32;
identifier pd.S, pd.F, fn, x;
struct S *E;
@@
  fn(...) {
  ... when any
(
  u32 *x = page_address(E->F);
|
  x = page_address(E->F);
)
  ... when any
  }

@pdl_mod depends on patch exists@
identifier pdl.fn, pdl.x;
expression e : script:python() { not e.replace(" ", "").startswith("page_address(") };
expression e2;
@@
  fn(...) {
  <+...
(
  x = e
|
  x++
|
  x--
|
  ++x
|
  --x
|
  x += e2
|
  x -= e2
|
  &x
)
  ...+>
  }

@depends on patch && !pdl_mod exists@
typedef u32;
identifier pdl.fn, pdl.x;
identifier pd.S, pd.F;
struct S *E;
expression i;
@@
  fn(...) {
  ... when any
(
  u32 *x = page_address(E->F);
|
  x = page_address(E->F);
)
  <...
(
- x[i]
+ E->F->val[i]
|
- sizeof(*x)
+ sizeof(*E->F->val)
)
  ...>
  }

@depends on patch && !pdl_mod@
typedef u32;
identifier pdl.x;
identifier pd.S, pd.F;
struct S *E;
@@
(
- u32 *x = page_address(E->F);
  ... when != x
|
- u32 *x;
  ... when != x
- x = page_address(E->F);
  ... when != x
)

@depends on patch@
identifier pd.S, pd.F;
struct S *E;
@@
- page_address(E->F)
+ E->F->val

// Report and context modes: point at the allocation of the directory.

@depends on context && !patch@
position pd.p;
expression gfp;
@@
* __iommu_alloc_pages@p(gfp, 0)

@script:python depends on report && !patch@
p << pd.p;
@@
coccilib.report.print_report(p[0], "tegra page directory held as a struct page: use struct tegra_pd and iommu_alloc_page()")

@script:python depends on org && !patch@
p << pd.p;
@@
coccilib.org.print_todo(p[0], "tegra page directory held as a struct page: use struct tegra_pd and iommu_alloc_page()")
