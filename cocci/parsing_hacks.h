/*
 * Parser hints for spatch 1.1.1, passed to every rule with --macro-file.
 *
 * spatch skips a function it cannot parse, silently.  Each definition below
 * teaches it one kernel macro found in drivers/iommu that it would
 * otherwise misread; say which file needs it and why.
 */

/*
 * Power-management initialisers: a macro call without a trailing comma
 * inside a struct dev_pm_ops initialiser is not C that spatch can read,
 * and the parse error swallows the functions around it (rockchip-iommu.c,
 * exynos-iommu.c, mtk_iommu.c, qcom_iommu.c: a new helper next to their
 * pm ops was not converted).  Same fields as include/linux/pm.h, so rules
 * still see where the callbacks are used.
 */
#define SET_SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn) \
	.suspend = suspend_fn, .resume = resume_fn, .freeze = suspend_fn, \
	.thaw = resume_fn, .poweroff = suspend_fn, .restore = resume_fn,
#define SET_LATE_SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn) \
	.suspend_late = suspend_fn, .resume_early = resume_fn, \
	.freeze_late = suspend_fn, .thaw_early = resume_fn, \
	.poweroff_late = suspend_fn, .restore_early = resume_fn,
#define SET_RUNTIME_PM_OPS(suspend_fn, resume_fn, idle_fn) \
	.runtime_suspend = suspend_fn, .runtime_resume = resume_fn, \
	.runtime_idle = idle_fn,

/*
 * intel/iommu.c (init_no_remapping_devices): the iterator ends in a
 * dangling "if (...) { continue; } else", after which a bare "break;"
 * body does not parse.  The loop is what the rules need to see.
 */
#define for_each_active_dev_scope(devs, cnt, i, tmp) \
	for ((i) = 0; (i) < (cnt); (i)++)
