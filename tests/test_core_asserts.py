"""The compile-time checks of struct ioptdesc (step 13) on a real tree.

struct ioptdesc overlays the first struct page of a folio member for
member; drivers/iommu/iommu-pages.c asserts with static_assert() that each
member sits at the offset of its struct page twin and that the descriptor
is no larger than struct page.  Here, on a scratch tree migrated through
step 13, drivers/iommu/iommu-pages.o builds as generated, and does not
build once two members of the descriptor are swapped, or once it grows
past struct page.

The scratch tree is the pristine 6.12 base as symbolic links, with the
scope (drivers/iommu, include/linux/iommu.h) as real copies made afresh
on every run: only those files are written.  It is kept at a fixed place
in the cache (tests/core-asserts/), so that the out-of-tree build
directory of scripts/ipm/kbuild.py (configured with kconfig/x86_64.config)
is reused and 'make prepare' runs only once; delete it at will."""

import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from ipm import bases, kbuild, manifest, tree as treemod

pytestmark = pytest.mark.kernel

OBJ = "drivers/iommu/iommu-pages.o"
HEADER = "drivers/iommu/iommu-pages.h"
STRUCT = re.compile(r"^struct ioptdesc \{\n(?P<body>.*?)^\};\n", re.M | re.S)


def steps_through_13():
    """The ready steps 1..13, or a skip when step 13 itself is not ready.

    Steps 09-11 convert the drivers only; iommu-pages.o builds without
    them, so a planned step among them is left out."""
    series = manifest.load()
    if not series.step(13).ready:
        pytest.skip("step 13 (struct ioptdesc) is not ready")
    return ",".join(str(n) for n in range(1, 14) if series.step(n).ready)


SCOPE = ("drivers/iommu", "include/linux/iommu.h")


def link_tree(base, dest):
    """DEST: BASE as symbolic links, made once and kept for the next run
    (creating or deleting some 80000 links takes a while on a busy disk);
    made again when the base moved or the links do not resolve."""
    stamp = dest.parent / "base"
    if (stamp.is_file() and stamp.read_text() == str(base)
            and (dest / "Makefile").is_file() and (dest / "Kconfig").is_file()):
        return
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-as", str(base), str(dest)], check=True)
    stamp.write_text(str(base))


@pytest.fixture(scope="module")
def tree():
    base = bases.pristine("6.12", print)
    dest = treemod.cache_root() / "tests" / "core-asserts" / "linux"
    link_tree(base, dest)
    # The scope is written by the steps and by the test: real copies, fresh
    # from the base on every run.
    for rel in SCOPE:
        path = dest / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        subprocess.run(["cp", "-a", str(base / rel), str(path)], check=True)
    assert not any(p.is_symlink() for p in (dest / "drivers/iommu").rglob("*"))
    assert not (dest / "include/linux/iommu.h").is_symlink()
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "apply-series.py"),
                        "apply", str(dest), "--steps", steps_through_13()],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    return dest


@pytest.fixture(scope="module")
def builddir(tree):
    bd = kbuild.BuildDir(tree, kbuild.ARCHES["x86_64"])
    with bd.locked():
        bd.sync()
        res = bd.configure()
        assert res.ok, "\n".join(res.excerpt)
        yield bd


def build_object(bd):
    rc, _, text = bd.run(bd.make_argv(OBJ), "ipm-core-asserts.log")
    return rc, text


def edit_struct(tree, change):
    """Rewrite the body of struct ioptdesc with CHANGE(list of lines)."""
    path = tree / HEADER
    text = path.read_text()
    m = STRUCT.search(text)
    assert m, "struct ioptdesc not found in iommu-pages.h"
    lines = change(m.group("body").splitlines(True))
    path.write_text(text[:m.start("body")] + "".join(lines) + text[m.end("body"):])


def swap_members(a, b):
    def change(lines):
        ia = next(i for i, l in enumerate(lines) if re.search(rf"\b{a};", l))
        ib = next(i for i, l in enumerate(lines) if re.search(rf"\b{b};", l))
        lines[ia], lines[ib] = lines[ib], lines[ia]
        return lines
    return change


def add_member(lines):
    return lines + ["\tunsigned long __pg_grown[16];\n"]


def test_descriptor_and_its_checks_are_in_place(tree):
    c = (tree / "drivers/iommu/iommu-pages.c").read_text()
    assert "static_assert(sizeof(struct ioptdesc) <= sizeof(struct page));" in c
    for page_member in ("flags", "lru", "mapping", "index", "private",
                        "page_type", "_refcount", "memcg_data"):
        assert re.search(rf"^IOPTDESC_OVERLAYS\({page_member}, \w+\);$", c, re.M), \
            page_member
    assert STRUCT.search((tree / HEADER).read_text())


def test_overlay_checks(tree, builddir):
    original = (tree / HEADER).read_text()
    try:
        rc, text = build_object(builddir)
        assert rc == 0, "\n".join(kbuild.excerpt(text, tree))

        # mapping and index are both one word: only their offsets change
        edit_struct(tree, swap_members("__pg_mapping", "__pg_index"))
        rc, text = build_object(builddir)
        assert rc != 0, "the build passed with two ioptdesc members swapped"
        assert re.search(r"static assertion failed: \"offsetof\(struct page, "
                         r"mapping\) == offsetof\(struct ioptdesc, __pg_mapping\)",
                         text), "\n".join(kbuild.excerpt(text, tree))

        (tree / HEADER).write_text(original)
        edit_struct(tree, add_member)
        rc, text = build_object(builddir)
        assert rc != 0, "the build passed with an ioptdesc larger than struct page"
        assert "static assertion failed: \"sizeof(struct ioptdesc) <= " \
               "sizeof(struct page)\"" in text, "\n".join(kbuild.excerpt(text, tree))
    finally:
        (tree / HEADER).write_text(original)
    rc, text = build_object(builddir)
    assert rc == 0, "\n".join(kbuild.excerpt(text, tree))
