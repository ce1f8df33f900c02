// SPDX-License-Identifier: GPL-2.0-only
/// Allocate single tables on a node as 4KiB with iommu_alloc_pages_node_sz().
///
/// iommu_alloc_page_node(nid, gfp) asks for one CPU page.  Its callers are
/// the AMD v1 and v2 page tables and GCR3 table, the Intel VT-d root,
/// context, page-directory, page-table and PASID tables, and the RISC-V
/// page tables: all of them hardware tables of 4KiB, whatever PAGE_SIZE the
/// kernel runs with.  Say so: call iommu_alloc_pages_node_sz(nid, gfp,
/// SZ_4K), so that iommu_alloc_page_node() can be removed.
///
/// The 4KiB size is a hardware fact of these three drivers, named by the
/// rule, which only converts calls in drivers/iommu/amd/, intel/ and
/// riscv/ (a file outside drivers/iommu/, such as the rule's fixtures,
/// counts as one of them).  A caller in another driver is converted by
/// alloc-page-node-any.cocci, with PAGE_SIZE.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: iommu_alloc_page_node

virtual patch
virtual context
virtual report
virtual org

@initialize:python@
@@
HW_4K = ("drivers/iommu/amd/", "drivers/iommu/intel/", "drivers/iommu/riscv/")


def hw_4k(p):
    name = p[0].file
    return "drivers/iommu/" not in name or any(d in name for d in HW_4K)

@depends on patch@
expression nid, gfp;
position p : script:python() { hw_4k(p) };
@@
- iommu_alloc_page_node@p(nid, gfp)
+ iommu_alloc_pages_node_sz(nid, gfp, SZ_4K)

@depends on context@
expression nid, gfp;
position p : script:python() { hw_4k(p) };
@@
* iommu_alloc_page_node@p(nid, gfp)

@r depends on report || org@
expression nid, gfp;
position p : script:python() { hw_4k(p) };
@@
  iommu_alloc_page_node@p(nid, gfp)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "iommu_alloc_page_node() is going away: allocate SZ_4K with iommu_alloc_pages_node_sz()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "iommu_alloc_page_node() is going away: allocate SZ_4K with iommu_alloc_pages_node_sz()")
