"""Base fetching and base detection."""

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from faketree import tree_hash
from ipm import bases, tree as treemod
from ipm.errors import ToolError, EXIT_UNSUPPORTED


def test_newest_compares_numerically():
    assert bases._newest(["linux-source-7.2", "linux-source-7.10", "linux-source-7.3"]) \
        == "linux-source-7.10"


def test_resolve_keeps_full_versions_and_rejects_unknown_majors():
    assert bases.resolve("6.12") == "6.12"
    with pytest.raises(ToolError, match="unknown base version"):
        bases.resolve("5")


def tool(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "apply-series.py"),
                           *map(str, args)], capture_output=True, text=True)


@pytest.mark.kernel
def test_converted_7x_base_is_detected_and_left_alone():
    dest = treemod.cache_root() / "tmp" / "test-7x"
    src = bases.copy("7", dest, print)
    try:
        before = tree_hash(src)
        p = tool("apply", src)
        assert p.returncode == 0, p.stderr
        assert "already converted" in p.stdout
        assert tree_hash(src) == before
    finally:
        shutil.rmtree(dest, ignore_errors=True)


@pytest.mark.kernel
def test_6_1_base_is_refused_in_one_line():
    tree = bases.pristine("6.1", print)
    p = tool("apply", tree)
    assert p.returncode == EXIT_UNSUPPORTED
    assert p.stderr.count("\n") == 1
    assert "unsupported base" in p.stderr


@pytest.mark.kernel
def test_check_finds_nothing_on_converted_7x():
    tree = bases.pristine("7", print)
    p = tool("check", tree)
    assert p.returncode == 0, p.stdout[-3000:]
    assert "findings: none" in p.stdout
    assert "allowed (unrelated to iommu-pages memory)" in p.stdout


def test_a_second_fetch_waits_for_the_first_and_uses_its_tree(cache):
    """Two commands on a cold cache: the second waits for the first's
    unpack and takes its tree, instead of unpacking over it."""
    import fcntl
    import threading
    pkg = "linux-source-9.9.1"
    tree = cache / "trees" / pkg
    tree.mkdir(parents=True)
    lock = open(cache / "trees" / f".{pkg}.lock", "a")
    fcntl.flock(lock, fcntl.LOCK_EX)            # the first fetch is running
    said, got = [], []
    t = threading.Thread(target=lambda: got.append(bases.pristine("9.9.1", said.append)))
    t.start()
    t.join(1.0)
    assert t.is_alive() and said == [f"waiting for another process to fetch {pkg}"]
    (tree / ".ipm-complete").write_text("x.deb\n")    # the first one is done
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
    t.join(10)
    assert got == [tree] and len(said) == 1
