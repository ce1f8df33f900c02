"""External programs the tool runs, and the Debian package of each."""

import shutil

from .errors import ToolError, EXIT_NO_TOOL

PACKAGE = {
    "spatch": "coccinelle",
    "sparse": "sparse",
    "gcc": "gcc",
    "make": "make",
    "flex": "flex",
    "bison": "bison",
    "bc": "bc",
    "patch": "patch",
    "git": "git",
    "xz": "xz-utils",
    "dpkg-deb": "dpkg",
    "apt-get": "apt",
    "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
    "x86_64-linux-gnu-gcc": "gcc-x86-64-linux-gnu",
    "tar": "tar",
    "cp": "coreutils",
    "ccache": "ccache",
}


def require(*programs):
    """Fail with one line naming the package of the first missing program."""
    for prog in programs:
        if not shutil.which(prog):
            pkg = PACKAGE.get(prog, prog)
            raise ToolError(f"{prog} not found: install the Debian package "
                            f"'{pkg}' (make deps)", EXIT_NO_TOOL)
