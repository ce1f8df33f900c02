// SPDX-License-Identifier: GPL-2.0-only
/// Size the AMD device table as a power of two of at least 4 KiB, in bytes,
/// instead of through an allocation order.
///
/// The AMD driver computes the byte size of its device table with a
/// helper that turns the table's byte count into a page order and back:
/// PAGE_SIZE << get_order(entries * entry size).  What it means is "the
/// byte count rounded up to a power of two, and at least the 4 KiB unit in
/// which the hardware's DevTabSize field counts the table".  Say that:
/// max(roundup_pow_of_two(bytes), SZ_4K).  On x86, where the driver lives,
/// PAGE_SIZE is 4 KiB and the value is unchanged; the size no longer
/// depends on how the allocator rounds.
///
/// The rule rewrites a helper whose whole body is that round trip (a shift
/// of PAGE_SHIFT + get_order(bytes), or PAGE_SIZE << get_order(bytes)).
/// A get_order() that is used for anything else, for example to lay out
/// several tables in one allocation, is left alone.  SZ_4K is the AMD
/// IOMMU's hardware granule; the helper shape occurs in that driver only.
///
// Confidence: High
// Copyright: (C) 2026 The iommu-pages-migrate authors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Prefilter: get_order+PAGE_SHIFT get_order+PAGE_SIZE

virtual patch
virtual context
virtual report
virtual org

@depends on patch@
identifier f, shift;
type T, R;
parameter list ps;
expression E;
@@
  R f(ps)
  {
(
-	T shift = PAGE_SHIFT + get_order(E);
-	return 1UL << shift;
+	return max(roundup_pow_of_two(E), SZ_4K);
|
-	return PAGE_SIZE << get_order(E);
+	return max(roundup_pow_of_two(E), SZ_4K);
|
-	return 1UL << (PAGE_SHIFT + get_order(E));
+	return max(roundup_pow_of_two(E), SZ_4K);
)
  }

@depends on context@
identifier f, shift;
type T, R;
parameter list ps;
expression E;
position p;
@@
  R f(ps)
  {
(
*	T shift = PAGE_SHIFT + get_order@p(E);
	return 1UL << shift;
|
*	return PAGE_SIZE << get_order@p(E);
|
*	return 1UL << (PAGE_SHIFT + get_order@p(E));
)
  }


@r depends on report || org@
identifier f, shift;
type T, R;
parameter list ps;
expression E;
position p;
@@
  R f(ps)
  {
(
 	T shift = PAGE_SHIFT + get_order@p(E);
	return 1UL << shift;
|
 	return PAGE_SIZE << get_order@p(E);
|
 	return 1UL << (PAGE_SHIFT + get_order@p(E));
)
  }

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "power-of-two table size: use max(roundup_pow_of_two(bytes), SZ_4K)")

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "power-of-two table size: use max(roundup_pow_of_two(bytes), SZ_4K)")
