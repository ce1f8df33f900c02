"""A tiny kernel-shaped tree and a project copy with a series of our own,
for testing the orchestrator without a real kernel."""

import hashlib
import os
import pathlib
import shutil
import subprocess
import textwrap
import time

from conftest import ROOT

HEADER = """\
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __IOMMU_PAGES_H
#define __IOMMU_PAGES_H
static inline void iommu_free_pages(void *virt, int order) { }
static inline void iommu_free_page(void *virt) { iommu_free_pages(virt, 0); }
#endif
"""

DRIVER = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static void foo_free_tables(struct foo_domain *dom)
{
	iommu_free_page(dom->pgd);
	iommu_free_page(dom->ctx);
}
"""


def make_tree(path, files=None):
    """A directory that passes for a 6.12 kernel tree with iommu-pages."""
    path = pathlib.Path(path)
    content = {
        "Makefile": "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n",
        "Kconfig": "mainmenu \"fake\"\n",
        "drivers/iommu/iommu-pages.h": HEADER,
        "drivers/iommu/foo.c": DRIVER,
        "drivers/iommu/bar/bar.c": DRIVER.replace("foo", "bar"),
        "include/linux/iommu.h": "struct iommu_iotlb_gather { int x; };\n",
    }
    content.update(files or {})
    for rel, text in content.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    return path


FREE_PAGE_RULE = """\
virtual patch
@depends on patch@
expression E;
@@
- iommu_free_page(E)
+ iommu_free_pages(E)
"""

SLEEPY_RULE = """\
virtual patch
@script:python depends on patch@
@@
import time
time.sleep(30)
"""


def make_project(path, steps, extra=(), nsteps=23):
    """A copy of the project's scripts with a series made of STEPS.

    STEPS is a list of dicts for steps 1.., each with 'rules' {name: text}
    and optionally 'patches' {name: text} and 'gone' [regex]; the rest of
    the NSTEPS steps are planned.  EXTRA names more files or directories of the
    project to copy (e.g. "Makefile", "check" for 'make -C PATH ...')."""
    path = pathlib.Path(path)
    shutil.copytree(ROOT / "scripts", path / "scripts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for rel in extra:
        if (ROOT / rel).is_dir():
            shutil.copytree(ROOT / rel, path / rel,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / rel, path / rel)
    (path / "cocci").mkdir()
    shutil.copy(ROOT / "cocci" / "parsing_hacks.h", path / "cocci")
    blocks = ['[series]\ntitle = "test"\nscope = ["drivers/iommu", "include/linux/iommu.h"]\n']
    for n in range(1, nsteps + 1):
        spec = steps[n - 1] if n <= len(steps) else None
        slug = f"s{n}"
        block = [f'[[step]]\nnumber = {n}\nslug = "{slug}"\n'
                 f'subject = "step {n}"\nmessage = "message {n}"\n']
        if spec is None:
            block.append('status = "planned"\n')
        else:
            block.append('status = "ready"\n')
            rules = []
            for name, text in spec.get("rules", {}).items():
                d = path / "cocci" / f"{n:02d}-{slug}"
                d.mkdir(parents=True, exist_ok=True)
                (d / name).write_text(text)
                rules.append(f'"{n:02d}-{slug}/{name}"')
            block.append(f"rules = [{', '.join(rules)}]\n")
            gone = ", ".join(f"'{g}'" for g in spec.get("gone", []))
            block.append(f"gone = [{gone}]\n")
            for name, text in spec.get("patches", {}).items():
                d = path / "patches" / f"{n:02d}-{slug}"
                d.mkdir(parents=True, exist_ok=True)
                (d / name).write_text(text)
                block.append(f'[[step.patches]]\nfile = "{n:02d}-{slug}/{name}"\n'
                             'why = "test"\n')
        blocks.append("".join(block))
    (path / "series.toml").write_text("\n".join(blocks))
    return path


# --- a small series of four real steps over a tree of several drivers -------
# Used where a run must take a second or two and touch many files (signals
# at random moments, concurrent runs): rules run by the real spatch, a hand
# patch by the real patch, and the header ends up "converted" (detect.py).

ALLOC_RULE = """\
virtual patch
@depends on patch@
expression N, G;
@@
- iommu_alloc_page_node(N, G)
+ iommu_alloc_pages_node_sz(N, G, SZ_4K)
"""

SIZE_RULE = """\
virtual patch
@depends on patch@
expression N, G;
@@
  iommu_alloc_pages_node_sz(N, G,
- SZ_4K
+ PAGE_SIZE
  )
"""

HEADER_PATCH = """\
--- a/drivers/iommu/iommu-pages.h
+++ b/drivers/iommu/iommu-pages.h
@@ -1,6 +1,6 @@
 /* SPDX-License-Identifier: GPL-2.0-only */
 #ifndef __IOMMU_PAGES_H
 #define __IOMMU_PAGES_H
-static inline void iommu_free_pages(void *virt, int order) { }
-static inline void iommu_free_page(void *virt) { iommu_free_pages(virt, 0); }
+void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size);
+static inline void iommu_free_pages(void *virt) { }
 #endif
"""

SERIES_DRIVER = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "../iommu-pages.h"

static int NAME_alloc_tables(struct NAME_domain *dom, int nid)
{
	dom->pgd = iommu_alloc_page_node(nid, GFP_KERNEL);
	if (!dom->pgd)
		return -ENOMEM;
	dom->ctx = iommu_alloc_page_node(nid, GFP_KERNEL);
	return dom->ctx ? 0 : -ENOMEM;
}

static void NAME_free_tables(struct NAME_domain *dom)
{
	iommu_free_page(dom->pgd);
	iommu_free_page(dom->ctx);
}
"""


def series_steps():
    """Steps 1-4 for make_project: free, alloc, header patch, sizes."""
    return [
        {"rules": {"free-page.cocci": FREE_PAGE_RULE},
         "gone": [r"\biommu_free_page\(dom"]},
        {"rules": {"alloc.cocci": ALLOC_RULE},
         "gone": [r"\biommu_alloc_page_node\("]},
        {"patches": {"header.patch": HEADER_PATCH}},
        {"rules": {"size.cocci": SIZE_RULE}, "gone": [r"SZ_4K"]},
    ]


def make_series_tree(path, drivers=8):
    """make_tree plus DRIVERS drivers that series_steps() converts."""
    return make_tree(path, {
        f"drivers/iommu/d{i}/d{i}.c": SERIES_DRIVER.replace("NAME", f"d{i}")
        for i in range(drivers)})


def tool(project, *args, env=None, **kw):
    """Run the project's apply-series.py; returns CompletedProcess."""
    e = dict(os.environ, **(env or {}))
    return subprocess.run(["/usr/bin/python3", str(project / "scripts" / "apply-series.py"),
                           *map(str, args)], capture_output=True, text=True, env=e, **kw)


def tree_hash(path):
    """One digest over every file's path, mode and content below PATH."""
    h = hashlib.sha256()
    path = pathlib.Path(path)
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for f in sorted(filenames):
            full = pathlib.Path(dirpath) / f
            h.update(str(full.relative_to(path)).encode() + b"\0")
            if full.is_symlink():
                h.update(b"L" + os.readlink(full).encode())
                continue
            h.update(oct(full.stat().st_mode).encode())
            with open(full, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
    return h.hexdigest()


def dedent(s):
    return textwrap.dedent(s)


def wait_for(proc, text, timeout=60):
    """Read PROC's stdout lines until one contains TEXT; return them."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"never saw {text!r}; got {seen}")


def tool_argv(project, *args, pause=None):
    """The command line of PROJECT's apply-series.py with ARGS, as the
    Makefile starts it (SIGINT ignored until the tool's first line sets
    its handler); PAUSE seconds between two files of its swap
    (tests/pause_swap.py)."""
    script = str(pathlib.Path(project) / "scripts" / "apply-series.py")
    launcher = [str(ROOT / "tests" / "pause_swap.py"), str(pause)] if pause else []
    return ["env", "--ignore-signal=INT", "/usr/bin/python3", *launcher, script,
            *map(str, args)]


def scope_contents(tree):
    """{relative path: bytes} of the files in the series' scope of TREE, as
    the tool sees them: not the swap's marker, nor a file's next version
    (*.ipm-new) that a killed swap can leave."""
    from ipm import manifest, tree as treemod
    return {rel: (pathlib.Path(tree) / rel).read_bytes()
            for rel in treemod.scope_files(tree, manifest.scope())
            if not rel.endswith(treemod.TMP_SUFFIX)}


def sources(tree):
    """The C files below TREE (not .git), path -> content."""
    return {p: p.read_bytes() for p in pathlib.Path(tree).rglob("*.[ch]")
            if ".git" not in p.parts}


def wait_replaced(proc, before, timeout=60):
    """Return as soon as PROC's swap has replaced one of the files of BEFORE
    (a sources() snapshot): killed now, the other files are still old, as
    long as the run pauses between files (tool_argv's PAUSE).  A fixed
    sleep after "writing" is not enough: the backup before the first file
    can take longer than the sleep on a loaded machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path, data in before.items():
            try:
                if path.read_bytes() != data:
                    return
            except FileNotFoundError:
                return
        if proc.poll() is not None:
            raise AssertionError(f"the run ended (exit {proc.returncode}) "
                                 "before it replaced a file")
        time.sleep(0.01)
    raise AssertionError(f"no file replaced in {timeout} s")
