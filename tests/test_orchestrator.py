"""The orchestrator on a small fake tree: manifest, apply, dry-run,
refusals, rollback after a failing step and after signals."""

import os
import signal
import subprocess
import time

import pytest

from faketree import (DRIVER, FREE_PAGE_RULE, SLEEPY_RULE, make_project, make_tree,
                      sources, tool, tool_argv, tree_hash, wait_for, wait_replaced)
from ipm import manifest
from ipm.errors import ToolError


# --- manifest ----------------------------------------------------------------

@pytest.mark.parametrize("spec,want", [
    ("1-6", [1, 2, 3, 4, 5, 6]),
    ("3,5", [3, 5]),
    (" 2 - 4 , 9 ", [2, 3, 4, 9]),
    ("7", [7]),
    ("", list(range(1, 24))),
    ("all", list(range(1, 24))),
])
def test_parse_steps(spec, want):
    assert manifest.parse_steps(spec, 23) == want


@pytest.mark.parametrize("spec", ["0", "24", "5-3", "1-30", "a", "1-", "-2", "1,,2"])
def test_parse_steps_rejects(spec):
    with pytest.raises(ToolError):
        manifest.parse_steps(spec, 23)


def test_real_manifest_is_complete():
    series = manifest.load()
    assert [s.number for s in series.steps] == list(range(1, 24))
    assert len({s.slug for s in series.steps}) == 23
    for s in series.steps:
        assert s.subject and s.message.strip()
        for p in s.patches:
            assert p.why.strip()
        if s.ready:
            assert s.rules or s.patches, f"step {s.number} is ready but empty"


def test_manifest_names_missing_rule(tmp_path):
    proj = make_project(tmp_path / "p", [{"rules": {"a.cocci": FREE_PAGE_RULE}}])
    (proj / "cocci" / "01-s1" / "a.cocci").unlink()
    with pytest.raises(ToolError, match=r"step 1: missing file cocci/01-s1/a.cocci"):
        manifest.load(proj / "series.toml")


def test_manifest_rejects_misnumbered_step(tmp_path):
    proj = make_project(tmp_path / "p", [])
    text = (proj / "series.toml").read_text().replace("number = 2\n", "number = 3\n", 1)
    (proj / "series.toml").write_text(text)
    with pytest.raises(ToolError, match="expected step number 2"):
        manifest.load(proj / "series.toml")


@pytest.mark.parametrize("paths", ['"drivers/iommu/amd/"', '["/abs/"]', '["../x/"]', '[""]', '[1]'])
def test_manifest_rejects_bad_rule_paths(tmp_path, paths):
    proj = make_project(tmp_path / "p", [{"rules": {"a.cocci": FREE_PAGE_RULE}}])
    text = (proj / "series.toml").read_text().replace(
        'rules = ["01-s1/a.cocci"]', f'rules = [{{file = "01-s1/a.cocci", paths = {paths}}}]')
    assert "paths =" in text
    (proj / "series.toml").write_text(text)
    with pytest.raises(ToolError, match="step 1: paths must be a list of relative paths"):
        manifest.load(proj / "series.toml")


@pytest.mark.parametrize("scope", ['[]', '"drivers/iommu"', '["/abs"]', '["a/../b"]'])
def test_manifest_rejects_bad_scope(tmp_path, scope):
    proj = make_project(tmp_path / "p", [])
    toml = proj / "series.toml"
    good = 'scope = ["drivers/iommu", "include/linux/iommu.h"]'
    assert manifest.scope(toml) == ("drivers/iommu", "include/linux/iommu.h")
    toml.write_text(toml.read_text().replace(good, f"scope = {scope}"))
    for read in (manifest.scope, manifest.load):
        with pytest.raises(ToolError, match=r"\[series\] scope must be a list"):
            read(toml)


def test_manifest_requires_why_for_patches(tmp_path):
    proj = make_project(tmp_path / "p", [{"patches": {"x.patch": ""}}])
    text = (proj / "series.toml").read_text().replace('why = "test"', 'why = ""')
    (proj / "series.toml").write_text(text)
    with pytest.raises(ToolError, match="has no 'why'"):
        manifest.load(proj / "series.toml")


# --- apply and dry-run --------------------------------------------------------

def one_step_project(tmp_path, **extra):
    step = {"rules": {"free-page.cocci": FREE_PAGE_RULE},
            "gone": [r"\biommu_free_page\(dom"]}
    step.update(extra)
    return make_project(tmp_path / "proj", [step])


def test_apply_converts_and_reports_progress(tmp_path, cache):
    proj = one_step_project(tmp_path)
    tree = make_tree(tmp_path / "linux")
    p = tool(proj, "apply", tree)
    assert p.returncode == 0, p.stderr
    assert "step 01/23 step 1: 2 files changed" in p.stdout
    assert "iommu_free_pages(dom->pgd);" in (tree / "drivers/iommu/foo.c").read_text()
    assert "iommu_free_pages(dom->ctx);" in (tree / "drivers/iommu/bar/bar.c").read_text()
    # nothing left behind in the tree
    assert not list(tree.rglob("*.ipm-new"))


def test_dry_run_prints_diff_and_leaves_tree_identical(tmp_path, cache):
    proj = one_step_project(tmp_path)
    tree = make_tree(tmp_path / "linux")
    before = tree_hash(tree)
    p = tool(proj, "dry-run", tree)
    assert p.returncode == 0, p.stderr
    assert tree_hash(tree) == before
    assert "=== step 01: step 1" in p.stdout
    assert "2 files changed, 4 insertions(+), 4 deletions(-)" in p.stdout
    assert "--- a/drivers/iommu/foo.c" in p.stdout
    assert "+\tiommu_free_pages(dom->pgd);" in p.stdout


def test_dry_run_diff_applies_with_patch(tmp_path, cache):
    proj = one_step_project(tmp_path)
    tree = make_tree(tmp_path / "linux")
    p = tool(proj, "dry-run", tree)
    diff = p.stdout[p.stdout.index("diff --git"):p.stdout.rindex("dry run:")]
    q = subprocess.run(["patch", "-p1", "-d", str(tree)], input=diff, text=True,
                       capture_output=True)
    assert q.returncode == 0, q.stdout + q.stderr
    assert "iommu_free_pages(dom->pgd)" in (tree / "drivers/iommu/foo.c").read_text()


def git(tree, *args):
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True)


def git_tree(path):
    tree = make_tree(path)
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base")
    return tree


def test_clean_git_tree_is_applied(tmp_path, cache):
    proj = one_step_project(tmp_path)
    tree = git_tree(tmp_path / "linux")
    p = tool(proj, "apply", tree)
    assert p.returncode == 0, p.stderr


def test_broken_rule_fails_step_and_keeps_tree(tmp_path, cache):
    broken = "virtual patch\n@@\nexpression E\n@@\n- iommu_free_page(E)\n"
    proj = make_project(tmp_path / "proj", [
        {"rules": {"free-page.cocci": FREE_PAGE_RULE}},
        {"rules": {"broken.cocci": broken}},
    ])
    tree = make_tree(tmp_path / "linux")
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == 1
    assert "spatch failed on rule broken.cocci" in p.stderr
    assert "the tree is as it was before the run" in p.stdout
    assert tree_hash(tree) == before


def test_unconverted_site_is_reported_by_file_line_function(tmp_path, cache):
    # The rule only knows dom->pgd; the 'gone' pattern catches dom->ctx.
    narrow = FREE_PAGE_RULE.replace("expression E;", "expression E;\nidentifier f = pgd;") \
        .replace("iommu_free_page(E)", "iommu_free_page(E->f)").replace("iommu_free_pages(E)", "iommu_free_pages(E->f)")
    proj = make_project(tmp_path / "proj", [
        {"rules": {"narrow.cocci": narrow}, "gone": [r"\biommu_free_page\("]}])
    tree = make_tree(tmp_path / "linux", {"drivers/iommu/iommu-pages.h": "/* none */\n"})
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == 1
    assert "2 call site(s) not converted" in p.stderr
    assert "drivers/iommu/foo.c:7: foo_free_tables: iommu_free_page(dom->ctx);" in p.stderr
    assert "drivers/iommu/bar/bar.c:7: bar_free_tables:" in p.stderr
    assert tree_hash(tree) == before


def test_unconverted_site_says_why_it_cannot_be_converted(tmp_path, cache):
    # A 'refused' entry of the step explains the lines it matches.
    narrow = FREE_PAGE_RULE.replace("expression E;", "expression E;\nidentifier f = pgd;") \
        .replace("iommu_free_page(E)", "iommu_free_page(E->f)").replace("iommu_free_pages(E)", "iommu_free_pages(E->f)")
    proj = make_project(tmp_path / "proj", [
        {"rules": {"narrow.cocci": narrow}, "gone": [r"\biommu_free_page\("]}])
    toml = proj / "series.toml"
    toml.write_text(toml.read_text().replace(
        "gone = ['\\biommu_free_page\\(']\n",
        "gone = ['\\biommu_free_page\\(']\n"
        "refused = [{re = '->ctx\\b', why = \"the context table is kept as a struct page\"}]\n", 1))
    assert "refused =" in toml.read_text()
    tree = make_tree(tmp_path / "linux", {"drivers/iommu/iommu-pages.h": "/* none */\n"})
    p = tool(proj, "apply", tree)
    assert p.returncode == 1
    assert ("drivers/iommu/foo.c:7: foo_free_tables: iommu_free_page(dom->ctx); "
            "(cannot be converted: the context table is kept as a struct page)") in p.stderr
    assert "2 call site(s) not converted" in p.stderr


def test_manifest_requires_why_for_refused(tmp_path):
    proj = make_project(tmp_path / "p", [{"rules": {"a.cocci": FREE_PAGE_RULE}}])
    toml = proj / "series.toml"
    toml.write_text(toml.read_text().replace(
        "gone = []\n", "gone = []\nrefused = [{re = 'x'}]\n", 1))
    with pytest.raises(ToolError, match="step 1: a 'refused' entry needs re and why"):
        manifest.load(toml)


def test_hand_patch_that_does_not_apply_fails(tmp_path, cache):
    patch = ("--- a/drivers/iommu/foo.c\n+++ b/drivers/iommu/foo.c\n"
             "@@ -1,2 +1,2 @@\n-// no such line\n+// other\n #include \"iommu-pages.h\"\n")
    proj = make_project(tmp_path / "proj", [{"patches": {"bad.patch": patch}}])
    tree = make_tree(tmp_path / "linux")
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == 1
    assert "hand patch 01-s1/bad.patch does not apply" in p.stderr
    assert tree_hash(tree) == before


# --- refusals -------------------------------------------------------------------
# Bad paths, read-only trees, dirty git trees, missing tools, the lock and
# random signals: tests/test_reliability.py.

def test_converted_base_is_left_alone(tmp_path, cache):
    proj = one_step_project(tmp_path)
    tree = make_tree(tmp_path / "linux", {"drivers/iommu/iommu-pages.h":
        "void *iommu_alloc_pages_node_sz(int nid, gfp_t gfp, size_t size);\n"
        "void iommu_free_pages(void *virt);\n",
        # the drivers converted too (a converted header alone is a half
        # converted tree: test_tree_safety.py)
        "drivers/iommu/foo.c": DRIVER.replace("iommu_free_page(", "iommu_free_pages("),
        "drivers/iommu/bar/bar.c": DRIVER.replace("iommu_free_page(", "iommu_free_pages(")})
    before = tree_hash(tree)
    p = tool(proj, "apply", tree)
    assert p.returncode == 0
    assert "already converted" in p.stdout
    assert tree_hash(tree) == before


def test_naming_a_planned_step_is_an_error(tmp_path, cache):
    proj = one_step_project(tmp_path)
    tree = make_tree(tmp_path / "linux")
    p = tool(proj, "apply", tree, "--steps", "1-3")
    assert p.returncode == 2
    assert "not written yet" in p.stderr


# --- interruption ----------------------------------------------------------------

def start(proj, *args, env=None, pause=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.Popen(tool_argv(proj, *args, pause=pause), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e)




@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_during_spatch_keeps_tree(tmp_path, cache, sig):
    proj = make_project(tmp_path / "proj", [
        {"rules": {"free-page.cocci": FREE_PAGE_RULE}},
        {"rules": {"sleepy.cocci": SLEEPY_RULE}}])
    tree = make_tree(tmp_path / "linux")
    before = tree_hash(tree)
    proc = start(proj, "apply", tree)
    wait_for(proc, "step 01/23")
    time.sleep(1)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert f"interrupted by {sig.name}" in err
    assert tree_hash(tree) == before


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_while_writing_restores_tree(tmp_path, cache, sig):
    proj = one_step_project(tmp_path)
    tree = make_tree(tmp_path / "linux")
    before, old = tree_hash(tree), sources(tree)
    proc = start(proj, "apply", tree, pause=3)
    wait_replaced(proc, old)     # the first file, the second not yet
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert tree_hash(tree) == before
    assert not list(tree.rglob("*.ipm-new"))


def test_sigkill_while_writing_leaves_journal_and_restore_undoes_it(tmp_path, cache):
    proj = one_step_project(tmp_path)
    tree = make_tree(tmp_path / "linux")
    before, old = tree_hash(tree), sources(tree)
    proc = start(proj, "apply", tree, pause=3)
    wait_replaced(proc, old)
    proc.kill()
    proc.communicate(timeout=60)
    assert tree_hash(tree) != before        # half written: one file replaced
    p = tool(proj, "apply", tree)
    assert p.returncode == 5
    assert "make restore" in p.stderr
    p = tool(proj, "restore", tree)
    assert p.returncode == 0, p.stderr
    assert "restored 2 file(s)" in p.stdout
    assert tree_hash(tree) == before
    p = tool(proj, "apply", tree)
    assert p.returncode == 0, p.stderr


# --- gone patterns --------------------------------------------------------------

LEFTOVER_SRC = """\
/* iommu_free_page(x) in a comment is not a call site */
\fstatic void a(void)
{
\tiommu_free_page(p);
\tlist_add(&virt_to_page(v)->lru,
\t\t &list->pages);
\tlist_add(&virt_to_page(v)->lru, freelist);
\tx = "iommu_free_page(";
}
"""


def naive_leftovers(stage, files, patterns):
    """The definition: every line of the comment-stripped text, every pattern."""
    from ipm.csrc import function_at, strip_comments
    out = []
    for rel in files:
        text = (stage / rel).read_text()
        code, raw = strip_comments(text).split("\n"), text.split("\n")
        for i, line in enumerate(code):
            if any(p.search(line) for p in patterns):
                out.append((rel, i + 1, function_at(raw, i + 1), raw[i].strip()))
    return out


@pytest.mark.parametrize("patterns", [
    [r"\biommu_free_page\b"],
    [r"\blist_add(_tail)?\(\s*&virt_to_page\([^;]*\)->lru\s*,(?!\s*&\s*\w+->pages\s*\))"],
    [r"\biommu_free_page\b", r"->lru\s*,$", r"(a|b)\("],     # the last has no literal
    [r"nothing_like_this"],
])
def test_leftovers_finds_what_a_line_by_line_scan_finds(tmp_path, patterns):
    from ipm import runner
    import re
    (tmp_path / "a.c").write_text(LEFTOVER_SRC)
    (tmp_path / "b.h").write_text("int iommu_free_pages;\n")
    pats = [re.compile(p) for p in patterns]
    got = runner.leftovers(tmp_path, ["a.c", "b.h"], pats)
    assert got == naive_leftovers(tmp_path, ["a.c", "b.h"], pats)
    if patterns[0] == r"\biommu_free_page\b":
        assert 4 in [g[1] for g in got]     # after a form feed: lines of the file


def test_required_literal():
    from ipm import runner
    import re
    assert runner.required_literal(re.compile(r"\bstruct page \*pd;")) == "struct page *pd;"
    assert runner.required_literal(re.compile(r"(a|b)_xyz\(")) == "_xyz("
    assert runner.required_literal(re.compile(r"(alpha|beta)")) is None
    assert runner.required_literal(re.compile(r"ab")) is None
    assert runner.required_literal(re.compile(r"abcdef", re.I)) is None
