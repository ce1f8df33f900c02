// get_order() results used for something other than a table size helper:
// a layout of several tables inside one allocation, and an order that is
// written into a hardware field.  Nothing here changes.
static int setup_tables(void)
{
	unsigned long mem_size;
	int order;
	void *ppaact, *spaact;

	mem_size = (PAGE_SIZE << get_order(PAACT_SIZE)) +
		   (PAGE_SIZE << get_order(SPAACT_SIZE));
	order = get_order(mem_size);
	ppaact = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!ppaact)
		return -ENOMEM;
	spaact = ppaact + (PAGE_SIZE << get_order(PAACT_SIZE));
	return 0;
}

static u32 window_attr(size_t size)
{
	unsigned shift = PAGE_SHIFT + get_order(size);

	return WIN_EN | (shift - 1);
}
