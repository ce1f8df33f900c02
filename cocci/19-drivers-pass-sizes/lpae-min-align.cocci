// SPDX-License-Identifier: GPL-2.0-only
/// Ask for at least 64 bytes for io-pgtable-arm's tables.
///
/// An LPAE starting-level table can be tiny (a few entries when the input
/// address size is small), and the hardware still needs its base aligned
/// to at least 64 bytes.  While tables were allocated in whole pages that
/// held by itself; with byte sizes it does not.  iommu-pages allocations
/// are naturally aligned powers of two, so asking for max(size, 64) bytes
/// gives the alignment.  Do it for both allocators a page-table
/// configuration can use: its custom allocator (cfg->alloc) and
/// iommu-pages.  A comment above the allocation says why.  The DMA
/// mapping keeps the table's own size, and so does the custom free hook
/// (cfg->free): what a driver's callback receives does not change.
///
/// Where the iommu-pages allocation still takes the order of the size
/// from a local (order = get_order(size), read by nothing else), the local
/// becomes the size to allocate, size_t alloc_size, set once to
/// max(size, 64) and passed to both allocators.  Where the allocation
/// already takes the size, max(size, 64) is written in each call.  The
/// rule runs before get-order-size.cocci in step 19; an order local that
/// is also read elsewhere is left to that rule, which passes the size
/// (iommu-pages allocates whole pages, so the table stays aligned; the
/// custom allocator keeps getting the table's size, as before).
///
/// The 64-byte minimum is a fact of the ARM LPAE format; the rule keys on
/// the choice between a configuration's custom allocator and iommu-pages
/// (or iommu_free_pages()), which only io-pgtable-arm makes.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: .alloc(+iommu_alloc_pages_node .alloc(+iommu_alloc_pages_node_sz .free(+iommu_free_pages
// (the names of each rewrite, the alloc one and the free one: each calls
// a hook of the configuration)

virtual patch
virtual context
virtual report
virtual org

// A file already converted is left alone (the rule may run twice on a
// tree, when an apply continues one that was stopped midway).
@done depends on patch@
expression cfg, cookie, size, gfp, A;
@@
(
  cfg->alloc(cookie, max(size, 64), gfp)
|
  A = max(size, 64)
)

// The order local becomes the size to allocate.
@sized depends on patch && !done@
identifier fn, o;
symbol alloc_size;
expression cfg, cookie, size, gfp, nid, pages;
type T;
@@
fn(...)
{
  ...
- T o = get_order(size);
+ size_t alloc_size;
  ... when != o
  if (cfg->alloc)
	pages = cfg->alloc(cookie,
-				size
+				alloc_size
				, gfp);
  else
	pages =
-		iommu_alloc_pages_node(nid, gfp, o);
+		iommu_alloc_pages_node_sz(nid, gfp, alloc_size);
  ... when != o
}

// (A rule of its own: spatch would attach the comment to the declaration
// added above.)
@depends on sized@
expression sized.cfg, sized.cookie, sized.size, sized.gfp, sized.nid, sized.pages;
symbol alloc_size;
@@
+ /* Even a tiny starting-level table needs 64-byte alignment. */
+ alloc_size = max(size, 64);
  if (cfg->alloc)
	pages = cfg->alloc(cookie, alloc_size, gfp);
  else
	pages = iommu_alloc_pages_node_sz(nid, gfp, alloc_size);

@depends on patch && !done && !sized@
expression cfg, cookie, size, gfp, nid, pages;
@@
+ /* Even a tiny starting-level table needs 64-byte alignment. */
  if (cfg->alloc)
	pages = cfg->alloc(cookie,
-				size
+				max(size, 64)
				, gfp);
  else
	pages = iommu_alloc_pages_node_sz(nid, gfp,
-				size
+				max(size, 64)
				);

@depends on context@
expression cfg, cookie, size, gfp, nid, pages;
@@
  if (cfg->alloc)
*	pages = cfg->alloc(cookie, size, gfp);
  else
*	pages = iommu_alloc_pages_node_sz(nid, gfp, size);

@r depends on report || org@
expression cfg, cookie, size, gfp, nid, pages;
position p;
@@
  if (cfg->alloc)
	pages = cfg->alloc@p(cookie, size, gfp);
  else
	pages = iommu_alloc_pages_node_sz(nid, gfp, size);

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "LPAE tables need 64-byte alignment: allocate max(size, 64)")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "LPAE tables need 64-byte alignment: allocate max(size, 64)")
