"""Build verification (scripts/ipm/kbuild.py, sparse.py, verify.py,
bisectcheck.py): the pure parts, the bisect loop with a fake step list and
builder, and (make test-full only) a real verify of the pristine 6.12 tree
against itself."""

import fcntl
import json
import shutil
import types

import pytest

from ipm import bases, bisectcheck, kbuild, sparse, tree as treemod, verify
from ipm.errors import ToolError, EXIT_NO_TOOL

SRC = "/k/linux"
OBJ = "/cache/builds/abc-x86_64"

SPARSE_LOG = f"""\
$ make -C {SRC} O={OBJ} ARCH=x86_64 -j2 C=2 drivers/iommu/
  CHECK   {SRC}/drivers/iommu/iommu.c
{SRC}/drivers/iommu/exynos-iommu.c:887:14: warning: incorrect type in assignment (different base types)
{SRC}/drivers/iommu/exynos-iommu.c:887:14:    expected unsigned int [usertype]
{SRC}/drivers/iommu/exynos-iommu.c:887:14:    got restricted __le32 [usertype]
  CHECK   {SRC}/drivers/iommu/tegra-smmu.c
{SRC}/drivers/iommu/tegra-smmu.c:691:39: warning: context imbalance in 'as_get_pde_page' - unexpected unlock
{SRC}/arch/arm64/include/asm/cmpxchg.h:168:1: warning: cast truncates bits from constant value (ffffffff80000000 becomes 0)
./include/generated/foo.h:3:1: error: bad constant expression
{SRC}/drivers/iommu/x.c:10:5: error: symbol 'f' redeclared with different type (incompatible argument 1 (different base types)):
{SRC}/drivers/iommu/x.c:10:5:    void extern [addressable] [toplevel] f( ... )
{SRC}/drivers/iommu/x.h:4:6: note: previously declared as:
make[1]: Leaving directory '{OBJ}'
"""


def w(file, line, text):
    return sparse.Warning(file, line, text)


# --- sparse parsing --------------------------------------------------------

def test_parse_sparse_records_and_continuations():
    ws = sparse.parse_sparse(SPARSE_LOG, SRC, OBJ)
    assert [(x.file, x.line) for x in ws] == [
        ("drivers/iommu/exynos-iommu.c", 887),
        ("drivers/iommu/tegra-smmu.c", 691),
        ("arch/arm64/include/asm/cmpxchg.h", 168),
        ("include/generated/foo.h", 3),
        ("drivers/iommu/x.c", 10),
    ]
    assert ws[0].text == ("warning: incorrect type in assignment (different base "
                          "types) / expected unsigned int [usertype] / got "
                          "restricted __le32 [usertype]")
    assert ws[1].text == ("warning: context imbalance in 'as_get_pde_page' - "
                          "unexpected unlock")
    assert ws[3].text == "error: bad constant expression"
    # a continuation with its own position (the note) joins the record
    assert ws[4].text.endswith("/ note: previously declared as:")


def test_parse_sparse_ignores_make_and_gcc_context():
    log = (f"make[2]: *** [scripts/Makefile.build:229: a.o] Error 1\n"
           f"In file included from {SRC}/include/linux/iommu.h:10,\n"
           f"{SRC}/drivers/iommu/a.c: In function 'f':\n"
           "  CC      drivers/iommu/a.o\n")
    assert sparse.parse_sparse(log, SRC, OBJ) == []


def test_parse_sparse_strips_positions_inside_text():
    log = (f"{SRC}/drivers/iommu/a.c:5:1: warning: symbol 'x' shadows an earlier "
           f"one (originally declared at {SRC}/drivers/iommu/a.h:12:3)\n")
    (x,) = sparse.parse_sparse(log, SRC, OBJ)
    assert x.text == ("warning: symbol 'x' shadows an earlier one (originally "
                      "declared at drivers/iommu/a.h)")


def test_parse_sparse_relative_paths_are_taken_from_the_build_dir():
    log = "drivers/iommu/a.c:1:1: warning: w\n"
    assert sparse.parse_sparse(log, SRC, OBJ)[0].file == "drivers/iommu/a.c"
    log = "../linux/drivers/iommu/a.c:1:1: warning: w\n"
    assert sparse.parse_sparse(log, SRC, "/k/build")[0].file == "drivers/iommu/a.c"


# --- multiset comparison ---------------------------------------------------

BASE = [w("drivers/iommu/exynos-iommu.c", 887, "warning: incorrect type"),
        w("drivers/iommu/exynos-iommu.c", 887, "warning: incorrect type"),
        w("drivers/iommu/tegra-smmu.c", 691, "warning: context imbalance")]


def test_line_numbers_may_shift():
    moved = [w(f, n + 40, t) for f, n, t in BASE]
    assert sparse.new_warnings(moved, BASE) == []
    assert sparse.gone_warnings(moved, BASE) == 0


def test_one_more_of_the_same_warning_is_new():
    more = BASE + [w("drivers/iommu/exynos-iommu.c", 901, "warning: incorrect type")]
    assert sparse.new_warnings(more, BASE) == [
        (("drivers/iommu/exynos-iommu.c", "warning: incorrect type"), 3, 2)]


def test_same_text_in_another_file_is_new():
    other = BASE + [w("drivers/iommu/rockchip-iommu.c", 887, "warning: incorrect type")]
    new = sparse.new_warnings(other, BASE)
    assert [k for k, _, _ in new] == [("drivers/iommu/rockchip-iommu.c",
                                       "warning: incorrect type")]


def test_fixed_warnings_are_counted_not_failed():
    fewer = BASE[1:]
    assert sparse.new_warnings(fewer, BASE) == []
    assert sparse.gone_warnings(fewer, BASE) == 1


# --- .config checking ------------------------------------------------------

def test_parse_config():
    text = ("#\n# Automatically generated file; DO NOT EDIT.\n"
            "CONFIG_AMD_IOMMU=y\nCONFIG_APPLE_DART=m\n"
            "# CONFIG_EXYNOS_IOMMU is not set\n"
            'CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14) 12.2.0"\n'
            "CONFIG_NR_CPUS=64\n")
    assert kbuild.parse_config(text) == {
        "CONFIG_AMD_IOMMU": "y", "CONFIG_APPLE_DART": "m",
        "CONFIG_EXYNOS_IOMMU": "n",
        "CONFIG_CC_VERSION_TEXT": '"gcc (Debian 12.2.0-14) 12.2.0"',
        "CONFIG_NR_CPUS": "64"}


def test_config_mismatches():
    wanted = {"CONFIG_A": "y", "CONFIG_B": "y", "CONFIG_C": "y",
              "CONFIG_D": "n", "CONFIG_E": "n"}
    actual = {"CONFIG_A": "y", "CONFIG_B": "m", "CONFIG_D": "n"}
    bad = kbuild.config_mismatches(wanted, actual)
    assert bad == [("CONFIG_B", "y", "m"), ("CONFIG_C", "y", None)]
    assert kbuild.describe_mismatch(*bad[1]) == \
        "CONFIG_C=y wanted, absent from .config"


@pytest.mark.parametrize("arch", sorted(kbuild.ARCHES))
def test_fragments_want_every_driver_built_in(arch):
    wanted = kbuild.parse_config(kbuild.ARCHES[arch].fragment.read_text())
    common = {"CONFIG_IOMMU_IO_PGTABLE_LPAE", "CONFIG_IOMMU_IO_PGTABLE_DART",
              "CONFIG_EXYNOS_IOMMU", "CONFIG_ROCKCHIP_IOMMU",
              "CONFIG_SUN50I_IOMMU", "CONFIG_APPLE_DART"}
    extra = {"x86_64": {"CONFIG_COMPILE_TEST", "CONFIG_AMD_IOMMU",
                        "CONFIG_INTEL_IOMMU", "CONFIG_IRQ_REMAP"},
             "arm64": {"CONFIG_ARCH_TEGRA", "CONFIG_TEGRA_MC",
                       "CONFIG_TEGRA_IOMMU_SMMU", "CONFIG_ARM_SMMU_V3"}}[arch]
    assert common | extra <= set(wanted)
    assert set(wanted.values()) == {"y"}


def test_parse_arches():
    assert [a.name for a in kbuild.parse_arches("arm64, x86_64,arm64")] == \
        ["arm64", "x86_64"]
    with pytest.raises(ToolError, match="unknown architecture 'riscv'"):
        kbuild.parse_arches("x86_64,riscv")


# --- tools and tree checks -------------------------------------------------

def test_missing_tool_names_the_package(monkeypatch):
    real = shutil.which
    monkeypatch.setattr(kbuild.shutil, "which",
                        lambda p: None if p == "aarch64-linux-gnu-gcc" else real(p))
    with pytest.raises(ToolError) as e:
        kbuild.require_tools(kbuild.parse_arches("x86_64,arm64"))
    assert str(e.value) == ("aarch64-linux-gnu-gcc not found: install the Debian "
                            "package 'gcc-aarch64-linux-gnu' (make deps)")
    assert e.value.code == EXIT_NO_TOOL
    # not needed when only x86_64 is built
    monkeypatch.setattr(kbuild.procs, "run",
                        lambda *a, **k: types.SimpleNamespace(returncode=0))
    monkeypatch.setattr(kbuild.shutil, "which",
                        lambda p: None if p == "aarch64-linux-gnu-gcc" else "/bin/" + p)
    kbuild.require_tools(kbuild.parse_arches("x86_64"))


def test_missing_header_names_the_package(monkeypatch):
    monkeypatch.setattr(kbuild.shutil, "which", lambda p: "/bin/" + p)
    monkeypatch.setattr(kbuild.procs, "run", lambda argv, input, **k:
                        types.SimpleNamespace(returncode=1 if "gelf" in input else 0))
    with pytest.raises(ToolError, match=r"^<gelf.h> not found: install the "
                       r"Debian package 'libelf-dev'"):
        kbuild.require_tools(kbuild.parse_arches("x86_64"))


@pytest.mark.parametrize("junk", [".config", "include/config",
                                  "arch/x86/include/generated"])
def test_unclean_tree_is_refused(tmp_path, junk):
    (tmp_path / junk).parent.mkdir(parents=True, exist_ok=True)
    if junk == ".config":
        (tmp_path / junk).write_text("")
    else:
        (tmp_path / junk).mkdir()
    with pytest.raises(ToolError, match="source tree is not clean") as e:
        kbuild.require_clean(tmp_path)
    assert e.value.code == 2 and "\n" not in str(e.value)


# --- incremental safety ----------------------------------------------------

def test_stale_files_only_when_make_cannot_see_the_change():
    recorded = {"a.c": "1", "b.c": "1", "c.h": "1", "gone.c": "1"}
    current = {"a.c": "2", "b.c": "2", "c.h": "1", "new.c": "1"}
    mtimes = {"a.c": 50, "b.c": 150, "c.h": 10, "new.c": 20}
    stale = kbuild.stale_files(recorded, current, 100, mtimes.__getitem__)
    # a.c: changed but older than the build; b.c: newer, make rebuilds it;
    # new.c: new to the scope with an old time; gone.c: removed
    assert stale == ["a.c", "gone.c", "new.c"]
    assert kbuild.stale_files({}, current, 100, mtimes.__getitem__) == []


def test_invalidate_removes_objects(tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    bd = kbuild.BuildDir(tmp_path, kbuild.ARCHES["x86_64"])
    objs = [bd.path / "drivers/iommu/a.o", bd.path / "drivers/iommu/b.o",
            bd.path / "drivers/iommu/intel/c.o"]
    for o in objs:
        o.parent.mkdir(parents=True, exist_ok=True)
        o.write_text("")
    bd.invalidate(["drivers/iommu/a.c"])
    assert [o.exists() for o in objs] == [False, True, True]
    objs[0].write_text("")
    hdr = tmp_path / "include/linux/iommu.h"
    (bd.path / "drivers/iommu/.a.o.cmd").write_text(f"deps := \\\n  {hdr} \\\n")
    (bd.path / "drivers/iommu/.b.o.cmd").write_text("deps := \\\n  /k/include/linux/io.h\n")
    # a.o names the header, b.o does not, c.o has no .cmd file: assume it does
    bd.invalidate(["include/linux/iommu.h"])
    assert [o.exists() for o in objs] == [False, True, False]


IMAGE = kbuild.Recipe("img/obj", "img/src", "tinyconfig", ("runtime-{arch}.config",),
                      suffix="-x", image=True, werror=False)


def test_invalidate_of_a_whole_kernel_looks_everywhere(tmp_path, monkeypatch):
    """An image's objects outside drivers/iommu include the scope's
    headers too: a stale header removes every object naming it."""
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    hdr = tmp_path / "include/linux/iommu.h"
    objs = {}
    for recipe in (kbuild.VERIFY, IMAGE):
        bd = kbuild.BuildDir(tmp_path, kbuild.ARCHES["x86_64"], recipe=recipe)
        objs[recipe] = [bd.path / "drivers/iommu/a.o", bd.path / "kernel/dma/m.o",
                        bd.path / "mm/b.o"]
        for o in objs[recipe]:
            o.parent.mkdir(parents=True, exist_ok=True)
            o.write_text("")
        (bd.path / "kernel/dma/.m.o.cmd").write_text(f"deps := \\\n  {hdr} \\\n")
        (bd.path / "mm/.b.o.cmd").write_text("deps := \\\n  /k/include/linux/mm.h\n")
        bd.invalidate(["include/linux/iommu.h"])
    assert [o.exists() for o in objs[kbuild.VERIFY]] == [False, True, True]
    assert [o.exists() for o in objs[IMAGE]] == [False, False, True]


def test_a_recipe_says_what_is_built_where(tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    arm = kbuild.ARCHES["arm64"]
    bd = kbuild.BuildDir(tmp_path, arm, recipe=IMAGE)
    assert bd.path.parent == treemod.cache_root() / "img/obj"
    assert bd.path.name == f"{bd.key}-arm64-x"
    assert bd.path != kbuild.BuildDir(tmp_path, arm).path
    argv = bd.make_argv(*IMAGE.targets(arm))
    assert argv[-1] == "Image" and not any(a.startswith("KCFLAGS") for a in argv)
    assert IMAGE.base_target(arm) == "tinyconfig"
    assert kbuild.VERIFY.base_target(arm) == "defconfig"
    assert [f.name for f in IMAGE.fragment_paths(arm)] == ["runtime-arm64.config"]
    assert IMAGE.base_files(arm)[-1] == "arch/arm64/configs/tiny.config"
    (tmp_path / "Makefile").write_text("VERSION = 6\n")
    assert bd.config_fingerprint() != kbuild.BuildDir(tmp_path, arm).config_fingerprint()


def test_a_build_directory_without_state_starts_afresh(tmp_path, monkeypatch):
    """Nothing says what its objects were built from (runtime's old
    layout, a directory sync did not make): they are not trusted."""
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    (tmp_path / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\n")
    bd = kbuild.BuildDir(tmp_path, kbuild.ARCHES["x86_64"], scope=())
    old = bd.path / "drivers/iommu/a.o"
    old.parent.mkdir(parents=True)
    old.write_text("")
    bd.sync()
    assert not old.exists() and bd.load_state()["identity"]
    old.parent.mkdir(parents=True)
    old.write_text("")
    bd.sync()
    assert old.exists()


def test_orphans_are_found_by_either_state_file(tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    home = treemod.cache_root() / IMAGE.home
    for name, state in (("new", {"owner": str(tmp_path / "gone")}),
                        ("old", {"tree": str(tmp_path / "gone2")}),
                        ("live", {"owner": str(tmp_path)})):
        (home / name).mkdir(parents=True)
        f = kbuild.STATE if name != "old" else kbuild.LEGACY_STATE
        (home / name / f).write_text(json.dumps(state))
    (tmp_path / "Makefile").write_text("")
    found = kbuild.orphans(IMAGE)
    assert [(d.name, o) for d, o in found] == [
        ("new", str(tmp_path / "gone")), ("old", str(tmp_path / "gone2"))]
    assert all(kbuild.remove(d) for d, _ in found)
    assert sorted(d.name for d in home.iterdir()) == ["live"]


def test_names_header_normalises_include_paths():
    deps = ("deps_drivers/iommu/amd/init.o := \\\n"
            "  /k/linux/drivers/iommu/amd/../iommu-pages.h \\\n"
            "  /k/linux/include/linux/iommu.h \\\n"
            "drivers/iommu/amd/init.o: $(deps_drivers/iommu/amd/init.o)\n")
    assert kbuild.names_header(deps, "drivers/iommu/iommu-pages.h")
    assert kbuild.names_header(deps, "include/linux/iommu.h")
    assert not kbuild.names_header(deps, "drivers/iommu/amd/iommu-pages.h")
    assert not kbuild.names_header(deps, "drivers/iommu/dma-iommu.h")


def test_build_dir_is_keyed_by_real_path(tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    a = kbuild.BuildDir(tmp_path / "real", kbuild.ARCHES["arm64"])
    b = kbuild.BuildDir(tmp_path / "link", kbuild.ARCHES["arm64"])
    assert a.path == b.path
    assert a.path.parent == treemod.cache_root() / "builds"
    assert a.path.name.endswith("-arm64")
    argv = a.make_argv("drivers/iommu/")
    assert f"O={a.path}" in argv and "CROSS_COMPILE=aarch64-linux-gnu-" in argv
    assert "KCFLAGS=-Werror" in argv and "C=2" not in argv
    assert "C=2" in a.make_argv("drivers/iommu/", sparse=True)


needs_ns = pytest.mark.skipif(not kbuild.mount_ns_available(),
                              reason="needs root and unshare (mount namespaces)")


@needs_ns
def test_trees_are_built_from_one_path(tmp_path, monkeypatch):
    """Two trees give the same make command but for O=, and make sees each
    at that path, read-only, while the host's mount point stays empty."""
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    dirs = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "which").write_text(name + "\n")
        dirs.append(kbuild.BuildDir(tmp_path / name, kbuild.ARCHES["x86_64"]))
    one, two = ([a for a in d.make_argv("drivers/iommu/") if not a.startswith("O=")]
                for d in dirs)
    assert one == two and str(dirs[0].src) in one
    assert dirs[0].src != dirs[0].tree
    for d, name in zip(dirs, ("one", "two")):
        rc, _, text = d.run(["sh", "-c", f"cat {d.src}/which; touch {d.src}/x"],
                            "test.log")
        assert text.splitlines()[1] == name, text
        assert rc != 0 and "Read-only file system" in text, text
        assert not (tmp_path / name / "x").exists()
    assert list(dirs[0].src.iterdir()) == []


def test_prune_orphans(tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    live = tmp_path / "live"
    live.mkdir()
    (live / "Makefile").write_text("")
    dirs = {}
    for name, owner in (("live", live), ("gone", tmp_path / "gone"),
                        ("scratch", live)):
        bd = kbuild.BuildDir(tmp_path / name, kbuild.ARCHES["x86_64"], owner=owner)
        bd.path.mkdir(parents=True)
        bd.save_state(owner=str(bd.owner))
        dirs[name] = bd.path
    busy = kbuild.BuildDir(tmp_path / "busy", kbuild.ARCHES["arm64"])
    busy.path.mkdir(parents=True)
    busy.save_state(owner=str(tmp_path / "busy"))
    out = []
    with open(busy.lockfile, "w") as f:     # another process's run
        fcntl.flock(f, fcntl.LOCK_EX)
        # a scratch copy that is gone but whose owner exists is kept
        assert kbuild.prune_orphans(out.append) == 1
        fcntl.flock(f, fcntl.LOCK_UN)
    assert not dirs["gone"].exists()
    assert dirs["live"].exists() and dirs["scratch"].exists() and busy.path.exists()
    assert out == ["removed 1 build directory of trees that no longer exist"]
    assert kbuild.prune_orphans() == 1 and not busy.path.exists()


# --- bisect loop with fakes ------------------------------------------------

def fake_tree(root):
    t = root / "linux"
    (t / "drivers/iommu").mkdir(parents=True)
    (t / "drivers/iommu/a.c").write_text("int a;\n")
    (t / "Makefile").write_text("VERSION = 6\n")
    (t / ".git").mkdir()
    (t / ".git/HEAD").write_text("ref\n")
    return t


def fake_step(n, slug, edit):
    return types.SimpleNamespace(number=n, name=f"{n:02d}-{slug}", edit=edit)


def apply_fake(step, stage):
    f = stage / "drivers/iommu/a.c"
    before = f.read_text()
    if step.edit == "reject":
        raise ToolError("step x: 1 call site(s) not converted by any rule:\n  a.c:1")
    if step.edit:
        f.write_text(before + step.edit + "\n")
    return types.SimpleNamespace(changes={"a.c": None} if step.edit else {}, commands=[])


def builder(calls, bad_arch="arm64"):
    def build(scratch, arch):
        assert (scratch / "Makefile").is_file()
        assert not (scratch / ".git").exists()
        text = (scratch / "drivers/iommu/a.c").read_text()
        calls.append((arch.name, text.count("\n")))
        ok = not ("BROKEN" in text and arch.name == bad_arch)
        return kbuild.Result(ok, 0.1, "fake")
    return build


def run(tmp_path, monkeypatch, steps):
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    tree = fake_tree(tmp_path)
    out, calls = [], []
    rc = bisectcheck.run_bisect(tree, steps, ("drivers/iommu",),
                                kbuild.parse_arches("x86_64,arm64"), out.append,
                                apply_fake, builder(calls))
    assert not bisectcheck.scratch_path(tree).exists()      # scratch deleted
    assert (tree / "drivers/iommu/a.c").read_text() == "int a;\n"
    return rc, out, calls


def test_bisect_without_steps_builds_the_base_only(tmp_path, monkeypatch):
    rc, out, calls = run(tmp_path, monkeypatch, [])
    assert rc == 0
    assert calls == [("x86_64", 1), ("arm64", 1)]
    assert out[-1].startswith("bisect-check: PASS (0 step(s)")


def test_bisect_builds_after_each_step_and_names_the_first_broken(tmp_path, monkeypatch):
    steps = [fake_step(1, "one", "int b;"), fake_step(2, "noop", ""),
             fake_step(3, "three", "BROKEN"), fake_step(4, "four", "int d;")]
    rc, out, calls = run(tmp_path, monkeypatch, steps)
    assert rc == 1
    # base, step 1, (step 2 changed nothing: no build), step 3 fails on arm64
    assert calls == [("x86_64", 1), ("arm64", 1), ("x86_64", 2), ("arm64", 2),
                     ("x86_64", 3), ("arm64", 3)]
    assert any(l.startswith("arm64   step03  FAIL") for l in out)
    assert out[-1] == "bisect-check: FAIL: step 03 (03-three) does not build on arm64"
    assert "step 02: nothing changed, build skipped" in out


def test_bisect_step_that_does_not_apply(tmp_path, monkeypatch):
    steps = [fake_step(1, "one", "int b;"), fake_step(2, "bad", "reject")]
    rc, out, _ = run(tmp_path, monkeypatch, steps)
    assert rc == 1
    assert out[-1] == "bisect-check: FAIL at step 02 (02-bad)"
    assert any("does not apply" in l for l in out)


def test_bisect_base_that_does_not_build(tmp_path, monkeypatch):
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    tree = fake_tree(tmp_path)
    (tree / "drivers/iommu/a.c").write_text("BROKEN\n")
    out = []
    rc = bisectcheck.run_bisect(tree, [fake_step(1, "one", "x")], ("drivers/iommu",),
                                kbuild.parse_arches("x86_64,arm64"), out.append,
                                apply_fake, builder([]))
    assert rc == 1 and "before any step (arm64)" in out[-1]


# --- the real thing (slow) -------------------------------------------------

@pytest.mark.kernel
@pytest.mark.full
def test_pristine_tree_verifies_against_itself():
    pristine = bases.pristine("6.12", print)
    out = []
    rc = verify.verify(pristine, out.append, base=pristine)
    text = "\n".join(out)
    assert rc == 0, text
    for arch in ("x86_64", "arm64"):
        for check in ("config", "build", "sparse"):
            assert any(l.startswith(f"{arch:<7} {check:<7} PASS") for l in out), text
    assert ", 0 new" in text
    assert out[-1].startswith("verify: PASS")


def test_make_env_drops_the_calling_makes_variables(monkeypatch):
    # 'make verify KERNEL=x VERSION=6.12' exports MAKEFLAGS=' -- ... VERSION=6.12':
    # the kernel's make would then build Linux 6.12.12x under another name.
    monkeypatch.setenv("MAKEFLAGS", " -- VERSION=6.12 KERNEL=/k")
    monkeypatch.setenv("MAKELEVEL", "1")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    env = kbuild.make_env()
    assert "MAKEFLAGS" not in env and "MAKELEVEL" not in env
    assert env["LC_ALL"] == "C" and env["LANG"] == "C"
