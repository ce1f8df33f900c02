"""The format step (scripts/ipm/fmt.py): after a step's rules, the lines
they changed are formatted per the tree's .clang-format, and only those;
off without a .clang-format or with --no-format, and the patch notes say
which.  On a small fake tree with a series of our own."""

import shutil

import pytest

from faketree import make_project, make_tree, tool
from test_series import CHECKPATCH, env  # noqa: F401  (a fixture)

pytestmark = pytest.mark.skipif(not shutil.which("clang-format-diff"),
                                reason="clang-format is not installed (make deps)")

# Enough of a kernel style for the test: tabs, 80 columns, Linux braces.
CLANG_FORMAT = """\
BasedOnStyle: LLVM
IndentWidth: 8
UseTab: Always
TabWidth: 8
ContinuationIndentWidth: 8
BreakBeforeBraces: Linux
AllowShortFunctionsOnASingleLine: None
ColumnLimit: 80
"""

UNTOUCHED = """\
static int  untouched(int a,int b)
{
	return a+b;
}
"""

DRIVER = UNTOUCHED + """
static unsigned int *foo_pte_offset(struct page *pt_page, unsigned long iova)
{
	return page_address(pt_page) + iova;
}

static void foo_queue(struct foo_domain *dom,
		unsigned long pfn, unsigned long pages,
		struct page *freelist)
{
}
"""

# the rule changes only the last line of foo_queue's parameters;
# clang-format would reflow all three: the first two are not the step's
QUEUE = """\
static void foo_queue(struct foo_domain *dom,
		unsigned long pfn, unsigned long pages,
"""

# spatch reprints the changed parameter list and breaks it after an
# argument, although it fits in 80 columns once the type is shorter
TYPE_RULE = """\
virtual patch
@depends on patch@
identifier f, x;
@@
  f(...,
- struct page *x
+ struct foo_pt *x
  , ...) { ... }
"""

SPATCH_LINES = ("static unsigned int *foo_pte_offset(struct foo_pt *pt_page,\n"
                "\t\t\t\t    unsigned long iova)\n")
FORMATTED_LINE = ("static unsigned int *foo_pte_offset(struct foo_pt *pt_page, "
                  "unsigned long iova)\n")


def fake(tmp_path, clang_format=True):
    proj = make_project(tmp_path / "proj", [{"rules": {"type.cocci": TYPE_RULE}}])
    (proj / "check").mkdir()
    (proj / "check" / "checkpatch.toml").write_text("")
    tree = make_tree(tmp_path / "linux", {"drivers/iommu/foo.c": DRIVER})
    (tree / "scripts").mkdir()
    (tree / "scripts" / "checkpatch.pl").write_text(CHECKPATCH)
    if clang_format:
        (tree / ".clang-format").write_text(CLANG_FORMAT)
    return proj, tree


def test_changed_lines_are_formatted_and_only_those(tmp_path, env):  # noqa: F811
    proj, tree = fake(tmp_path)
    p = tool(proj, "apply", tree, "--steps", "1", env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    text = (tree / "drivers/iommu/foo.c").read_text()
    assert FORMATTED_LINE in text
    assert text.startswith(UNTOUCHED)           # the file's other lines as they were
    assert QUEUE in text                        # a reflow beyond the changed line


def test_no_format_leaves_spatch_output(tmp_path, env):  # noqa: F811
    proj, tree = fake(tmp_path)
    p = tool(proj, "apply", tree, "--steps", "1", "--no-format", env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert SPATCH_LINES in (tree / "drivers/iommu/foo.c").read_text()


def test_format_lines_0_turns_it_off(tmp_path, env):  # noqa: F811
    proj, tree = fake(tmp_path)
    p = tool(proj, "apply", tree, "--steps", "1", env=dict(env, IPM_FORMAT_LINES="0"))
    assert p.returncode == 0, p.stdout + p.stderr
    assert SPATCH_LINES in (tree / "drivers/iommu/foo.c").read_text()


def test_notes_say_how_the_lines_were_formatted(tmp_path, env):  # noqa: F811
    proj, tree = fake(tmp_path)
    p = tool(proj, "dry-run", tree, "--steps", "1", "--format", "series", env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "formatted with clang-format-diff per the tree's .clang-format" in p.stdout
    assert "+" + FORMATTED_LINE in p.stdout


def test_off_without_clang_format_and_the_notes_say_so(tmp_path, env):  # noqa: F811
    proj, tree = fake(tmp_path, clang_format=False)
    p = tool(proj, "dry-run", tree, "--steps", "1", "--format", "series", env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "not formatted: the tree has no .clang-format" in p.stdout
    assert "+" + SPATCH_LINES.replace("\n\t", "\n+\t") in p.stdout


def test_apply_says_when_it_leaves_lines_unformatted(tmp_path, env):  # noqa: F811
    proj, tree = fake(tmp_path, clang_format=False)
    p = tool(proj, "apply", tree, "--steps", "1", env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "not formatted: the tree has no .clang-format" in p.stdout + p.stderr
    assert SPATCH_LINES in (tree / "drivers/iommu/foo.c").read_text()


def test_a_retyped_member_keeps_its_tab_alignment():
    from ipm.fmt import keep_alignment
    old = ["struct gather {", "\tsize_t\t\t\tpgsize;",
           "\tstruct list_head\tfreelist;", "\tstruct list_head\tother;", "};"]
    new = ["struct gather {", "\tsize_t\t\t\tpgsize;",
           "\tstruct iommu_pages_list freelist;", "\tstruct list_head\tother;", "};"]
    assert keep_alignment(old, new)[2] == "\tstruct iommu_pages_list\tfreelist;"
    # past the old column: one tab, to the next stop
    long = ["\tstruct iommu_pages_list_of_a_long_name freelist;"]
    assert keep_alignment(old[2:3], long) == [
        "\tstruct iommu_pages_list_of_a_long_name\tfreelist;"]
    # a line that was not aligned with tabs, or a different declarator: as written
    assert keep_alignment(["\tstruct page *pd;"], ["\tstruct tegra_pd *pd;"]) == [
        "\tstruct tegra_pd *pd;"]
    assert keep_alignment(old[2:3], ["\tstruct iommu_pages_list pages;"]) == [
        "\tstruct iommu_pages_list pages;"]


def test_a_macro_keeps_the_tabs_before_its_body():
    from ipm.fmt import keep_alignment
    old = ["#define foo_alloc(gfp)\t\tiommu_alloc_pages(gfp, 0)"]
    new = ["#define foo_alloc(gfp) iommu_alloc_pages_sz(gfp, PAGE_SIZE)"]
    assert keep_alignment(old, new) == [
        "#define foo_alloc(gfp)\t\tiommu_alloc_pages_sz(gfp, PAGE_SIZE)"]
    # a macro written with one space stays so
    assert keep_alignment(["#define FOO 1"], ["#define FOO 2"]) == ["#define FOO 2"]


def test_missing_clang_format_is_a_missing_tool(tmp_path, monkeypatch):
    from ipm import fmt
    from ipm.errors import EXIT_NO_TOOL, ToolError
    (tmp_path / ".clang-format").write_text(CLANG_FORMAT)
    monkeypatch.setattr(fmt.shutil, "which", lambda prog: None)
    with pytest.raises(ToolError) as e:
        fmt.for_tree(tmp_path)
    assert e.value.code == EXIT_NO_TOOL and "clang-format" in str(e.value)


def test_the_style_makes_a_break_after_an_open_paren_costly():
    from ipm.fmt import OPEN_PAREN_KEY, OPEN_PAREN_PENALTY, style_text
    line = f"{OPEN_PAREN_KEY}: {OPEN_PAREN_PENALTY}"
    kernel = "ColumnLimit: 80\nPenaltyBreakBeforeFirstCallParameter: 30\nTabWidth: 8\n"
    assert style_text(kernel) == kernel.replace(
        "PenaltyBreakBeforeFirstCallParameter: 30", line)
    assert style_text(CLANG_FORMAT) == CLANG_FORMAT + line + "\n"


# A call the rule renamed: with the style as it is, clang-format breaks it
# after 'iommu_alloc_pages_sz(' (checkpatch's OPEN_ENDED_LINE, refused, so
# spatch's lines stayed: 90 columns and a space after the cast); a kernel
# developer breaks it elsewhere.
LONG_BEFORE = """\
static int foo_init(struct foo_domain *d, bool big)
{
	d->pt = (u64 *)iommu_alloc_pages(GFP_KERNEL | __GFP_ZERO,
					 big ? FOO_PT_ORDER + 1 : FOO_PT_ORDER);
	return d->pt ? 0 : -ENOMEM;
}
"""
LONG_AFTER = LONG_BEFORE.replace(
    "(u64 *)iommu_alloc_pages(GFP_KERNEL | __GFP_ZERO,\n"
    "\t\t\t\t\t big ? FOO_PT_ORDER + 1 : FOO_PT_ORDER);",
    "(u64 *) iommu_alloc_pages_sz(GFP_KERNEL | __GFP_ZERO,\n"
    "\t\t\t\t\t     PAGE_SIZE << (big ? FOO_PT_ORDER + 1 : FOO_PT_ORDER));")


def test_a_long_call_is_broken_elsewhere_than_after_its_paren(tmp_path):
    from ipm.fmt import Formatter
    # with this, the test's style breaks the call after its '(' as the
    # kernel's does
    (tmp_path / ".clang-format").write_text(
        CLANG_FORMAT + "BreakBeforeTernaryOperators: false\n")
    stage = tmp_path / "stage"
    (stage / "drivers").mkdir(parents=True)
    (stage / "drivers" / "foo.c").write_text(LONG_AFTER)
    given, rewritten, refused = Formatter(tmp_path / ".clang-format").apply(
        stage, {"drivers/foo.c": LONG_BEFORE.encode()},
        {"drivers/foo.c": LONG_AFTER.encode()})
    lines = (stage / "drivers" / "foo.c").read_text().splitlines()
    assert (given, rewritten, refused) == (2, 2, 0)
    assert lines[:2] == LONG_BEFORE.splitlines()[:2] and lines[-2:] == \
        LONG_BEFORE.splitlines()[-2:]
    new = lines[2:-2]
    assert len(new) > 1 and "(u64 *)" in new[0] and "(u64 *) " not in new[0]
    assert all(len(l.expandtabs(8)) <= 80 and not l.endswith("(") for l in new), new
