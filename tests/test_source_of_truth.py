"""series.toml is the only place that names the steps, their number and
the scope; bases.py the only place that names the default base."""

import os
import re
import subprocess

import pytest

from conftest import ROOT
from faketree import FREE_PAGE_RULE, make_project, make_tree, tool
from ipm import bases, mailout, manifest
from ipm.errors import ToolError

NARROW = 'scope = ["drivers/iommu"]'
FULL = 'scope = ["drivers/iommu", "include/linux/iommu.h"]'


def in_project(proj, code, cache):
    """Run CODE with the project copy PROJ's scripts; its stdout."""
    p = subprocess.run(["/usr/bin/python3", "-c", code], cwd=proj / "scripts",
                       capture_output=True, text=True,
                       env=dict(os.environ, IPM_CACHE=str(cache)))
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_the_scope_is_read_from_the_manifest(tmp_path, cache):
    """kbuild, runtime and checker take the scope of the series.toml
    beside them: narrowed there, include/linux/iommu.h drops out."""
    tree = make_tree(tmp_path / "linux")
    code = f"""
import pathlib
from ipm import kbuild, runtime
tree = pathlib.Path({str(tree)!r})
print(kbuild.BuildDir(tree, kbuild.ARCHES["x86_64"]).scope)
rt = runtime.build_dir(tree, kbuild.ARCHES["x86_64"])
a = rt.scope_hashes()
with open(tree / "include/linux/iommu.h", "a") as f:
    f.write("/* edited */\\n")
print(a == rt.scope_hashes())
"""
    checked = ["/usr/bin/python3", "-m", "ipm.checker", "--findings-only", str(tree)]
    seen = {}
    for scope in (FULL, NARROW):
        proj = make_project(tmp_path / f"p{len(seen)}", [])
        toml = proj / "series.toml"
        toml.write_text(toml.read_text().replace(FULL, scope))
        seen[scope] = in_project(proj, code, cache).splitlines()
        p = subprocess.run(checked, cwd=proj / "scripts", capture_output=True, text=True)
        seen[scope].append(p.stdout.splitlines()[-1].split("; ")[-1])
    assert seen[FULL] == ["('drivers/iommu', 'include/linux/iommu.h')", "False",
                          seen[FULL][2]]
    assert seen[NARROW] == ["('drivers/iommu',)", "True", seen[NARROW][2]]
    assert seen[FULL][2].startswith("4 files scanned")
    assert seen[NARROW][2].startswith("3 files scanned")


def test_a_driver_step_names_its_driver_from_the_manifest():
    """The cover letter's reason for a step that changes nothing names
    the driver of series.toml: its driver_paths, else its rules' paths."""
    tegra = ("tegra", "drivers/iommu/tegra-smmu.c")
    amd, riscv = ("amd", "drivers/iommu/amd"), ("riscv", "drivers/iommu/riscv")
    drivers = {1: tegra, 2: tegra, 9: riscv, 10: amd, 16: amd, 17: amd, 18: riscv,
               22: amd, 23: ("vt-d", "drivers/iommu/intel")}
    nothing = "nothing in this base matches what its rules convert"
    every = ["drivers/iommu/tegra-smmu.c", "drivers/iommu/riscv/iommu.c",
             "drivers/iommu/amd/init.c", "drivers/iommu/intel/iommu.c"]
    for step in manifest.load().steps:
        want = drivers.get(step.number)
        assert mailout.skip_reason(step, ["drivers/iommu/iommu.c"]) == (
            "the %s driver (%s) is not in this base" % want if want else nothing), step.number
        assert mailout.skip_reason(step, every) == nothing


def test_driver_paths_are_checked(tmp_path):
    proj = make_project(tmp_path / "p", [{"rules": {"a.cocci": FREE_PAGE_RULE}}])
    toml = proj / "series.toml"
    rule = 'rules = ["01-s1/a.cocci"]\n'
    toml.write_text(toml.read_text().replace(rule, rule + 'driver_paths = ["/x/"]\n'))
    with pytest.raises(ToolError, match="step 1: driver_paths must be a list of relative"):
        manifest.load(toml)
    toml.write_text(toml.read_text().replace('["/x/"]', '["drivers/iommu/foo.c"]'))
    step = manifest.load(toml).step(1)
    assert step.driver_paths == ("drivers/iommu/foo.c",)
    assert mailout.skip_reason(step, ["drivers/iommu/bar.c"]) == \
        "the driver (drivers/iommu/foo.c) is not in this base"      # subject 'step 1'


def test_the_makefile_default_base_is_bases_default():
    """make's VERSION default and its help name bases.DEFAULT, the base
    that fetch, copy and bench take by default."""
    text = (ROOT / "Makefile").read_text()
    assert re.findall(r"^VERSION\s*\?=\s*(\S+)$", text, re.M) == [bases.DEFAULT]
    helped = text.split("\n\n")[0]          # what make help prints
    assert re.findall(r"a fresh (\S+) copy", helped) == [bases.DEFAULT]
    assert re.findall(r"\(default (\S+)\)", text) == [bases.DEFAULT]


def test_a_24th_step_is_one_more_entry_in_series_toml(tmp_path, cache):
    """Adding a step is a [[step]] in series.toml and its files: nothing
    in the scripts counts the steps."""
    step = {"rules": {"free-page.cocci": FREE_PAGE_RULE}, "gone": [r"\biommu_free_page\(dom"]}
    proj = make_project(tmp_path / "proj", [{}] * 23 + [step], nsteps=24)
    tree = make_tree(tmp_path / "linux")
    p = tool(proj, "steps")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-1].split() == ["24", "ready", "s24", "step", "24"]
    p = tool(proj, "dry-run", "--steps", "24", tree)
    assert p.returncode == 0, p.stderr
    assert "=== step 24: step 24" in p.stdout and "step 24/24 step 24: 2 files" in p.stdout
    p = tool(proj, "apply", tree)
    assert p.returncode == 0, p.stderr
    assert "step 23/24 step 23: 0 files changed" in p.stdout
    assert "step 24/24 step 24: 2 files changed" in p.stdout
    assert "iommu_free_pages(dom->ctx);" in (tree / "drivers/iommu/bar/bar.c").read_text()
    p = tool(proj, "apply", "--steps", "25", tree)
    assert p.returncode == 2 and "STEPS: 25 is outside 1-24" in p.stderr
