"""What state is a kernel tree in, as far as the conversion goes."""

import re

from .errors import ToolError, EXIT_HALF, EXIT_UNSUPPORTED

HEADER = "drivers/iommu/iommu-pages.h"

UNCONVERTED = "unconverted"
CONVERTED = "converted"

# What the checker finds that can only be the old state of a file: a name of
# the removed API, or a free list still typed struct list_head (the gather
# freelist of include/linux/iommu.h among them).  Its struct-page findings
# are heuristic and not taken as evidence here.
OLD_STATE = ("old-api", "free-list")


def state(tree, scope=None):
    """UNCONVERTED or CONVERTED; a ToolError for a base without iommu-pages.

    The header decides only when it is unconverted.  A converted header
    makes the tree converted only if no file of SCOPE is still in the old
    state (judged by the checker, every file): a tree left mixed by a run
    killed in its swap, or put together by hand, is refused (EXIT_HALF)
    with the files that are still old, rather than taken as done."""
    h = tree / HEADER
    if not h.is_file():
        raise ToolError(f"{tree}: unsupported base: no {HEADER} (iommu-pages "
                        "appeared in v6.11; this tree predates it)",
                        EXIT_UNSUPPORTED)
    text = h.read_text(errors="replace")
    sized = "iommu_alloc_pages_node_sz" in text
    old = re.search(r"\biommu_alloc_pages_node\s*\(|\biommu_free_page\s*\(", text)
    if not sized or old:
        return UNCONVERTED
    if scope:
        from . import checker
        findings, _, _ = checker.scan(tree, scope)
        files = sorted({f.path for f in findings if f.kind in OLD_STATE})
        if files:
            names = ", ".join(files[:6]) + (f" and {len(files) - 6} more"
                                            if len(files) > 6 else "")
            raise ToolError(
                f"{tree}: half converted: {HEADER} is converted but the old API "
                f"or free-list type is still in {len(files)} file(s): {names}; "
                "if a run was killed, "
                "'make restore KERNEL=...', else put the files back (e.g. 'git "
                f"checkout HEAD -- {' '.join(scope)}')", EXIT_HALF)
    return CONVERTED
