"""What state is a kernel tree in, as far as the conversion goes."""

import re

from .errors import ToolError, EXIT_UNSUPPORTED

HEADER = "drivers/iommu/iommu-pages.h"

UNCONVERTED = "unconverted"
CONVERTED = "converted"


def state(tree):
    """UNCONVERTED or CONVERTED; a ToolError for a base without iommu-pages."""
    h = tree / HEADER
    if not h.is_file():
        raise ToolError(f"{tree}: unsupported base: no {HEADER} (iommu-pages "
                        "appeared in v6.11; this tree predates it)",
                        EXIT_UNSUPPORTED)
    text = h.read_text(errors="replace")
    sized = "iommu_alloc_pages_node_sz" in text
    old = re.search(r"\biommu_alloc_pages_node\s*\(|\biommu_free_page\s*\(", text)
    if sized and not old:
        return CONVERTED
    return UNCONVERTED
