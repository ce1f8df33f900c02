// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: the helper with its parameters the other way round and the
 * add written in one line, called on a list pointer that another function
 * receives.  The comment above the helper introduces the functions below
 * it, so it stays when the helper goes.
 */
#include <linux/list.h>
#include <linux/mm.h>

#include "iommu-pages.h"

/*
 * Unlinking: the tables of a context are queued here and freed by the
 * caller once the hardware has forgotten them.
 */

static void fx_unlink(struct fx_ctx *ctx, struct iommu_pages_list *q)
{
	iommu_pages_list_add(q, ctx->leaf);
	iommu_pages_list_add(q, ctx->dir);
	ctx->leaf = NULL;
	ctx->dir = NULL;
}

static void fx_reset(struct fx_ctx *ctx)
{
	struct iommu_pages_list q = IOMMU_PAGES_LIST_INIT(q);

	fx_unlink(ctx, &q);
	fx_flush(ctx);
	iommu_put_pages_list(&q);
}
