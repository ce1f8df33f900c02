"""series.toml is the only place that names the steps, their number and
the scope; bases.py the only place that names the default base."""

import os
import subprocess

from faketree import make_project, make_tree

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
from ipm import checker, kbuild, runtime
tree = {str(tree)!r}
print(kbuild.BuildDir(tree, kbuild.ARCHES["x86_64"]).scope)
a = runtime.scope_fingerprint(__import__("pathlib").Path(tree))
open(tree + "/include/linux/iommu.h", "a").write("/* edited */\\n")
print(a == runtime.scope_fingerprint(__import__("pathlib").Path(tree)))
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
