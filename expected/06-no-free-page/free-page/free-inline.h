/* SPDX-License-Identifier: GPL-2.0-only */
static inline void rk_put_table(u32 *t)
{
	iommu_free_pages(t);
}
