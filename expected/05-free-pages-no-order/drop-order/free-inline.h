/* SPDX-License-Identifier: GPL-2.0-only */
static inline void unit_put_table(void *t, unsigned int order)
{
	iommu_free_pages(t);
}
