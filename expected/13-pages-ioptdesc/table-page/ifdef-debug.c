// SPDX-License-Identifier: GPL-2.0-only
/* A debug helper under #ifdef, on a table kept in a struct value. */
struct ifd_state {
	u64 *root;
};

static struct ifd_state ifd_st;

static int ifd_init(void)
{
	ifd_st.root = iommu_alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 0);
	return ifd_st.root ? 0 : -ENOMEM;
}

#ifdef CONFIG_IFD_DEBUG
static void ifd_show_root(struct seq_file *m)
{
	void *root = ifd_st.root;

	seq_printf(m, "root %p\n", root);
}
#else
static void ifd_show_root(struct seq_file *m)
{
	seq_printf(m, "root pfn %lx\n", PHYS_PFN(virt_to_phys(ifd_st.root)));
}
#endif
