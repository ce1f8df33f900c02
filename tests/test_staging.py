"""runner.run_series: the one sequence of apply, dry-run, series,
bisect-check and bench (copy the scope, run the steps, collect)."""

import types

from faketree import make_tree, tree_hash
from ipm import runner

SCOPE = ("drivers/iommu", "include/linux/iommu.h")


def fake_step(n):
    return types.SimpleNamespace(number=n)


def fake_apply(step, stage):
    """Step N appends a line to foo.c; step 2 also removes bar/bar.c."""
    foo = stage / "drivers/iommu/foo.c"
    foo.write_text(foo.read_text() + f"// step {step.number}\n")
    changes = {"drivers/iommu/foo.c": foo.read_bytes()}
    if step.number == 2:
        (stage / "drivers/iommu/bar/bar.c").unlink()
        changes["drivers/iommu/bar/bar.c"] = None
    return types.SimpleNamespace(step=step, changes=changes, commands=[f"cmd {step.number}"])


def test_run_series_copies_runs_and_collects(tmp_path):
    tree = make_tree(tmp_path / "linux", {"Documentation/x.txt": "outside\n"})
    before = tree_hash(tree)
    stage = tmp_path / "stage"
    (stage / "old").mkdir(parents=True)             # a stage left by an earlier run
    seen = []
    staged = runner.run_series(
        [fake_step(1), fake_step(2), fake_step(3)], stage, SCOPE, src=tree,
        apply=fake_apply, before_step=lambda s: seen.append(("before", s.number)),
        on_step=lambda res: seen.append(("after", res.step.number)))
    assert tree_hash(tree) == before
    assert not (stage / "old").exists() and not (stage / "Documentation").exists()
    assert seen == [("before", 1), ("after", 1), ("before", 2), ("after", 2),
                    ("before", 3), ("after", 3)]
    assert staged.commands == ["cmd 1", "cmd 2", "cmd 3"]
    assert sorted(staged.changes) == ["drivers/iommu/bar/bar.c", "drivers/iommu/foo.c"]
    assert staged.changes["drivers/iommu/bar/bar.c"] is None
    assert staged.changes["drivers/iommu/foo.c"].endswith(b"// step 1\n// step 2\n// step 3\n")


def test_run_series_stops_when_the_callback_says_so(tmp_path):
    tree = make_tree(tmp_path / "linux")
    stage = tmp_path / "stage"
    runner.restage(tree, stage, SCOPE)
    staged = runner.run_series([fake_step(1), fake_step(2), fake_step(3)], stage, SCOPE,
                               apply=fake_apply, on_step=lambda res: res.step.number == 2)
    assert staged.commands == ["cmd 1", "cmd 2"]
    assert list(staged.changes) == ["drivers/iommu/bar/bar.c", "drivers/iommu/foo.c"]
