"""A tree stopped midway: 'apply' finds the steps it already has and
continues from there (ipm/resume.py), on a small fake tree."""

from faketree import make_tree, tool, tree_hash
from ipm.errors import EXIT_MIXED
from test_series import STEPS, project

HEADER_PATCH2 = """\
--- a/drivers/iommu/iommu-pages.h
+++ b/drivers/iommu/iommu-pages.h
@@ -4,2 +4,3 @@
 static inline void iommu_free_pages(void *virt, int order) { }
+/* the end */
 #endif
"""

# Steps 1 (rule), 2 (riscv-like rule, nothing to do), 3 (header patch),
# 4 (new file patch); the rest planned.


def test_apply_continues_after_a_partial_run(tmp_path):
    proj = project(tmp_path)
    full = make_tree(tmp_path / "full")
    assert tool(proj, "apply", full).returncode == 0
    mid = make_tree(tmp_path / "mid")
    p = tool(proj, "apply", mid, "--steps", "1-3")
    assert p.returncode == 0, p.stdout + p.stderr
    p = tool(proj, "apply", mid)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "steps 01-03 already applied; continuing from step 04" in p.stdout
    assert "step 01/23" not in p.stdout and "step 04/23" in p.stdout
    assert tree_hash(mid) == tree_hash(full)


def test_second_apply_changes_nothing(tmp_path):
    proj = project(tmp_path)
    tree = make_tree(tmp_path / "t")
    assert tool(proj, "apply", tree).returncode == 0
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "steps 01-04 already applied; nothing to do" in p.stdout
    assert tree_hash(tree) == before


def test_fresh_tree_says_nothing_about_applied_steps(tmp_path):
    proj = project(tmp_path)
    tree = make_tree(tmp_path / "t")
    p = tool(proj, "apply", tree)
    assert p.returncode == 0
    assert "already applied" not in p.stdout


def test_a_later_step_without_the_earlier_ones_is_refused(tmp_path):
    proj = project(tmp_path)
    tree = make_tree(tmp_path / "t")
    assert tool(proj, "apply", tree, "--steps", "4").returncode == 0
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == EXIT_MIXED, p.stdout + p.stderr
    assert p.stderr.count("\n") == 1
    assert "step 04 looks applied but step 01 is not" in p.stderr
    assert tree_hash(tree) == before


def test_a_hand_edited_step_fails_on_its_patch(tmp_path):
    proj = project(tmp_path)
    tree = make_tree(tmp_path / "t")
    assert tool(proj, "apply", tree, "--steps", "1-3").returncode == 0
    h = tree / "drivers/iommu/iommu-pages.h"
    h.write_text(h.read_text().replace("#endif", "#endif /* edited */"))
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "hand patch 03-s3/h.patch does not apply" in p.stderr
    assert tree_hash(tree) == before


def test_an_earlier_hand_edited_step_is_refused(tmp_path):
    steps = STEPS[:3] + [{"patches": {"h2.patch": HEADER_PATCH2}}]
    proj = project(tmp_path, steps)
    tree = make_tree(tmp_path / "t")
    assert tool(proj, "apply", tree, "--steps", "1-4").returncode == 0
    h = tree / "drivers/iommu/iommu-pages.h"
    h.write_text(h.read_text().replace("#ifndef", "#ifndef /* edited */ "))
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == EXIT_MIXED, p.stdout + p.stderr
    assert "hand patch 03-s3/h.patch of step 03 is not in the tree" in p.stderr
    assert tree_hash(tree) == before


def test_dry_run_and_series_continue_too(tmp_path):
    proj = project(tmp_path)
    tree = make_tree(tmp_path / "t")
    (tree / "scripts").mkdir()
    from test_series import CHECKPATCH
    (tree / "scripts" / "checkpatch.pl").write_text(CHECKPATCH)
    assert tool(proj, "apply", tree, "--steps", "1-3").returncode == 0
    p = tool(proj, "dry-run", tree)
    assert p.returncode == 0, p.stderr
    assert "steps 01-03 already applied; continuing from step 04" in p.stdout
    assert "=== step 03" not in p.stdout and "=== step 04" in p.stdout
    cfg = tmp_path / "gitconfig"
    cfg.write_text("[user]\n\tname = A\n\temail = a@example.org\n")
    p = tool(proj, "series", tree, "--out", tmp_path / "out",
             env={"GIT_CONFIG_GLOBAL": str(cfg), "IPM_CACHE": str(tmp_path / "c")})
    assert p.returncode == 0, p.stdout + p.stderr
    cover = (tmp_path / "out" / "0000-cover-letter.patch").read_text()
    assert "Subject: [PATCH 0/1]" in cover
    assert "Steps 01-03 of the conversion are already in" in cover
