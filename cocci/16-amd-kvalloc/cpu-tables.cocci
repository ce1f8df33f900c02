// SPDX-License-Identifier: GPL-2.0-only
/// Allocate the AMD IOMMU's CPU-only lookup tables with kvcalloc() and
/// kvmalloc_array(), and free them with kvfree().
///
/// Each PCI segment of the AMD driver has four tables indexed by device id
/// (0 .. last_bdf).  Only the device table is read by the IOMMU; the
/// rlookup table (device id to IOMMU), the irq_lookup table (device id to
/// interrupt remapping table) and the alias table (device id to requestor
/// id) are driver data that only the CPU reads.  They need neither
/// iommu-pages accounting nor page alignment, so they move to the ordinary
/// kernel allocator, sized by element: last_bdf + 1 entries of
/// sizeof(*table).  A table whose every entry is stored right after the
/// allocation (the alias table) gets kvmalloc_array(), the others
/// kvcalloc().  kvmalloc memory is tracked by kmemleak, so the explicit
/// kmemleak_alloc()/kmemleak_free() calls on such a table go.  Their byte
/// size fields (alias_table_size, rlookup_table_size), the stores into
/// them and their entry-size constants are no longer used and go too.
///
/// Which table the hardware reads is a fact of the AMD IOMMU, not
/// something the code shows in one file: the rule names the three
/// CPU-only tables, their size fields and entry-size constants.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: alias_table rlookup_table irq_lookup_table
// Prefilter: alias_table_size rlookup_table_size
// Prefilter: ALIAS_TABLE_ENTRY_SIZE RLOOKUP_TABLE_ENTRY_SIZE

virtual patch
virtual context
virtual report
virtual org

// A table filled entry by entry right after the allocation: no zeroing.
@filled depends on patch exists@
identifier tbl = {alias_table};
expression seg, gfp, v;
identifier sz, i;
@@
  seg->tbl =
-	iommu_alloc_pages(gfp, get_order(seg->sz))
+	kvmalloc_array(seg->last_bdf + 1, sizeof(*seg->tbl), gfp)
  ;
  ...
  for (i = 0; i <= seg->last_bdf; ++i)
	seg->tbl[i] = v;

@zeroed depends on patch@
identifier tbl = {rlookup_table, irq_lookup_table, alias_table};
identifier sz;
expression seg, gfp;
@@
  seg->tbl =
-	iommu_alloc_pages(gfp, get_order(seg->sz))
+	kvcalloc(seg->last_bdf + 1, sizeof(*seg->tbl), gfp)
  ;

@depends on patch@
identifier tbl = {rlookup_table, irq_lookup_table, alias_table};
expression seg, sz, n, gfp;
@@
(
- kmemleak_alloc(seg->tbl, sz, n, gfp);
|
- kmemleak_free(seg->tbl);
)

@depends on patch@
identifier tbl = {rlookup_table, irq_lookup_table, alias_table};
expression seg;
@@
- iommu_free_pages
+ kvfree
  (seg->tbl)

// The byte sizes that only fed the old allocations.
@depends on patch@
identifier fld = {alias_table_size, rlookup_table_size};
expression seg, E;
@@
- seg->fld = E;

@depends on patch@
identifier fld = {alias_table_size, rlookup_table_size};
identifier S;
type T;
@@
  struct S {
	...
-	T fld;
	...
  };

@depends on patch@
identifier C = {ALIAS_TABLE_ENTRY_SIZE, RLOOKUP_TABLE_ENTRY_SIZE};
expression E;
@@
- #define C E

@depends on context@
identifier tbl = {rlookup_table, irq_lookup_table, alias_table};
expression seg, gfp, E;
position p;
@@
(
* seg->tbl = iommu_alloc_pages@p(gfp, E)
|
* iommu_free_pages@p(seg->tbl)
)


@r depends on report || org@
identifier tbl = {rlookup_table, irq_lookup_table, alias_table};
expression seg, gfp, E;
position p;
@@
(
  seg->tbl = iommu_alloc_pages@p(gfp, E)
|
  iommu_free_pages@p(seg->tbl)
)

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "CPU-only lookup table: use kvcalloc()/kvmalloc_array() and kvfree()")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "CPU-only lookup table: use kvcalloc()/kvmalloc_array() and kvfree()")
