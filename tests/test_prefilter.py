"""The prefilter that decides which files a rule is given (ipm/prefilter.py).

Soundness on the real rules is covered elsewhere: the fixture tests run
every rule through spatch.apply(), and the full apply on 6.12 is compared
with IPM_NO_PREFILTER=1 (docs/conversion.md).  Here: the header syntax,
how a computed prefilter is found beside its rule (and refused when
missing or broken), and the real computed prefilters on small trees we
write."""

import pathlib
import re

import pytest

from conftest import ROOT
from faketree import FREE_PAGE_RULE, make_project, make_tree, tool, tree_hash
from ipm import manifest, prefilter
from ipm.errors import EXIT_MANIFEST, ToolError


def write(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return sorted(files)


def rule(tmp_path, header, together=False):
    p = tmp_path / "r.cocci"
    p.write_text(header + "virtual patch\n")
    return manifest.Rule(p, together)


def test_header_lines_add_up_and_select_by_identifier(tmp_path):
    r = rule(tmp_path, "// Prefilter: alpha beta\n// Prefilter: gamma\n")
    assert prefilter.declared(r) == (["alpha", "beta", "gamma"], None)
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "int f(void) { return alpha(1); }\n",
                         "b.c": "int g(void) { return alphabet; }\n",
                         "c.h": "/* gamma */\n"})
    assert prefilter.select(r, tree, files) == ["a.c", "c.h"]


def test_a_term_with_plus_needs_all_its_names(tmp_path):
    r = rule(tmp_path, "// Prefilter: alpha+beta gamma\n")
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "alpha(beta);\n", "b.c": "alpha();\n", "c.c": "gamma;\n",
                         "d.c": "beta;\n"})
    assert prefilter.select(r, tree, files) == ["a.c", "c.c"]


def test_a_member_term_needs_the_name_after_an_arrow_or_a_dot(tmp_path):
    r = rule(tmp_path, "// Prefilter: .alloc+api\n")
    tree = tmp_path / "t"
    files = write(tree, {
        "arrow.c": "p = cfg->alloc(c, n); api();\n",
        "dot.c": "p = cfg.alloc(c, n); api();\n",
        "array.c": "p = cfg[i].alloc(c, n); api();\n",     # the ptr_to_array iso
        "spaced.c": "p = cfg -> /* hook */\n alloc(c, n); api();\n",
        "plain.c": "p = alloc(c, n); api();\n",              # not a member
        "longer.c": "p = cfg->allocate(c, n); api();\n",
        "no-api.c": "p = cfg->alloc(c, n);\n"})
    assert prefilter.select(r, tree, files) == ["array.c", "arrow.c", "dot.c", "spaced.c"]


def test_a_member_call_term_needs_a_call(tmp_path):
    r = rule(tmp_path, "// Prefilter: .free(+api\n")
    tree = tmp_path / "t"
    files = write(tree, {
        "call.c": "cfg->free(c, p); api();\n",
        "paren.c": "(cfg->free) (c, p); api();\n",       # the paren iso
        "init.c": "static const struct ops o = { .free = f }; api();\n",
        "read.c": "if (cfg->free) api();\n"})
    assert prefilter.select(r, tree, files) == ["call.c", "paren.c"]


def test_no_header_or_switched_off_gives_every_file(tmp_path, monkeypatch):
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "x\n", "b.c": "y\n"})
    assert prefilter.select(rule(tmp_path, "// Confidence: High\n"), tree, files) == files
    monkeypatch.setenv("IPM_NO_PREFILTER", "1")
    assert prefilter.select(rule(tmp_path, "// Prefilter: zzz\n"), tree, files) == files


def test_together_uses_its_own_line(tmp_path):
    header = "// Prefilter: alpha\n// Prefilter-together: beta\n"
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "alpha;\n", "b.c": "beta;\n"})
    assert prefilter.select(rule(tmp_path, header), tree, files) == ["a.c"]
    assert prefilter.select(rule(tmp_path, header, together=True), tree, files) == ["b.c"]


KEEP_WITH_TOKENS = """from ipm.csrc import member_name

def keep(texts, files):
    # the files that read ->wanted, and one that is not asked about
    return ["elsewhere.c"] + [f for f in reversed(files)
                              if member_name(texts.tokens(f), 0, 3) == "wanted"]
"""


def test_a_computed_prefilter_is_the_file_beside_the_rule(tmp_path):
    """'@computed' in RULE.cocci is keep() of RULE.prefilter.py beside it; what
    it returns is kept in the order of the files, and only files asked about."""
    r = rule(tmp_path, "// Prefilter: nothing_here\n// Prefilter-together: @computed\n",
             together=True)
    assert prefilter.computed_path(r) == tmp_path / "r.prefilter.py"
    (tmp_path / "r.prefilter.py").write_text(KEEP_WITH_TOKENS)
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "p->wanted;\n", "b.c": "p->other;\n",
                         "c.c": "/* p->wanted */ q.wanted;\n"})
    assert prefilter.select(r, tree, files) == ["a.c", "c.c"]
    assert prefilter.describe(r) == "@computed"
    # the per-file line of the same rule is still its words
    assert prefilter.select(manifest.Rule(r.path), tree, files) == []


@pytest.mark.parametrize("text,why", [
    (None, "its prefilter is @computed, but there is no r.prefilter.py beside it"),
    ("def keep(texts, files:\n", "cannot load r.prefilter.py: SyntaxError: "),
    ("import no_such_module\n", "cannot load r.prefilter.py: ModuleNotFoundError: "),
    ("keep = 1\n", "r.prefilter.py defines no keep(texts, files)"),
], ids=["missing", "syntax-error", "failed-import", "no-keep"])
def test_a_missing_or_broken_computed_prefilter_is_refused(tmp_path, text, why):
    d = tmp_path / "05-step"
    d.mkdir()
    r = rule(d, "// Prefilter: @computed\n")
    if text is not None:
        (d / "r.prefilter.py").write_text(text)
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "x;\n"})
    with pytest.raises(ToolError) as e:
        prefilter.select(r, tree, files)
    assert e.value.code == EXIT_MANIFEST
    assert str(e.value).startswith(f"05-step/r.cocci: {why}")
    assert "\n" not in str(e.value)


def test_another_at_word_gives_every_file(tmp_path):
    """As before computed prefilters lived beside their rules: a word
    starting with @ that is not @computed filters nothing."""
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "x;\n", "b.c": "y;\n"})
    assert prefilter.select(rule(tmp_path, "// Prefilter: @free-lists\n"), tree, files) == files


def test_the_tool_refuses_a_missing_computed_prefilter_in_one_line(tmp_path, cache):
    """apply and dry-run stop with the manifest's exit code and one line,
    the tree untouched; with the file in place the step runs."""
    step = {"rules": {"free-page.cocci": "// Prefilter: @computed\n" + FREE_PAGE_RULE},
            "gone": [r"\biommu_free_page\(dom"]}
    proj = make_project(tmp_path / "proj", [step])
    tree = make_tree(tmp_path / "linux")
    before = tree_hash(tree)
    for command in ("apply", "dry-run"):
        p = tool(proj, command, "--steps", "1", tree)
        assert p.returncode == EXIT_MANIFEST, p.stdout + p.stderr
        assert p.stderr.splitlines() == [
            "apply-series: error: 01-s1/free-page.cocci: its prefilter is @computed, "
            "but there is no free-page.prefilter.py beside it"]
        assert tree_hash(tree) == before
    (proj / "cocci" / "01-s1" / "free-page.prefilter.py").write_text(
        "def keep(texts, files):\n"
        "    return [f for f in files if 'iommu_free_page' in texts.idents(f)]\n")
    p = tool(proj, "apply", "--steps", "1", tree)
    assert p.returncode == 0, p.stderr
    assert "iommu_free_pages(dom->ctx);" in (tree / "drivers/iommu/foo.c").read_text()


GATHER_H = """struct gather {
\tunsigned long start;
\tstruct list_head freelist;
};
struct other {
\tstruct list_head node;
};
"""
USER_C = """static void flush(struct gather *g)
{
\tiommu_put_pages_list(&g->freelist);
}
"""
SPLICE_C = """static void defer(struct gather *g, struct entry *e)
{
\tlist_splice(&g->freelist, &e->pending);
}
"""
PENDING_H = """struct entry {
\tstruct list_head pending;
};
"""
UNRELATED_C = """static void walk(struct other *o)
{
\tstruct list_head *p;
\tlist_for_each(p, &o->node)
\t\tcount++;
}
"""


def real_rule(rel, together=False):
    """A rule of cocci/ as the series uses it, its computed prefilter beside it."""
    return manifest.Rule(ROOT / "cocci" / rel, together)


FREE_LISTS = real_rule("09-riscv-pages-list/free-lists.cocci", together=True)
DEAD_ORDER = real_rule("05-free-pages-no-order/dead-order-field.cocci")


def test_free_lists_keeps_the_files_a_seeded_list_reaches(tmp_path):
    tree = tmp_path / "t"
    files = write(tree, {"gather.h": GATHER_H, "user.c": USER_C, "splice.c": SPLICE_C,
                         "pending.h": PENDING_H, "unrelated.c": UNRELATED_C,
                         "plain.c": "int x;\n"})
    kept = prefilter.select(FREE_LISTS, tree, files)
    # the seed, the header declaring its member, the file that splices it
    # into another list, and the header declaring that one
    assert kept == ["gather.h", "pending.h", "splice.c", "user.c"]


def test_free_lists_follows_a_list_passed_to_a_function(tmp_path):
    tree = tmp_path / "t"
    files = write(tree, {
        "a.c": """static void put(struct list_head *fl)
{
\tiommu_put_pages_list(fl);
}
""",
        "b.c": """void collect(struct thing *t)
{
\tput(&t->junk);
}
""",
        "c.h": "struct thing {\n\tstruct list_head junk;\n};\n",
        "d.c": "void g(struct other *o)\n{\n\tINIT_LIST_HEAD(&o->node);\n}\n"})
    kept = prefilter.select(FREE_LISTS, tree, files)
    assert kept == ["a.c", "b.c", "c.h"]


def test_free_lists_without_a_seed_keeps_nothing(tmp_path):
    tree = tmp_path / "t"
    files = write(tree, {"gather.h": GATHER_H, "splice.c": SPLICE_C})
    assert prefilter.select(FREE_LISTS, tree, files) == []


def test_dead_order_field_keeps_the_files_of_a_freed_member(tmp_path):
    """The member read as the order of a free call: the free call, its
    stores (a statement or a designator) and its struct are kept."""
    tree = tmp_path / "t"
    files = write(tree, {
        "t.h": "struct tbl {\n\tvoid *table;\n\tint order;\n};\n",
        "a.c": "void f(struct tbl *t)\n{\n\tiommu_free_pages(t->table, t->order);\n}\n",
        "b.c": "void g(struct tbl *t, int o)\n{\n\tt->order = o;\n}\n",
        "c.c": "int h(int order)\n{\n\treturn get(order);\n}\n",
        "d.c": "void k(void *p)\n{\n\tiommu_free_pages(p, 0);\n}\n",
        "e.c": "static struct tbl one = { .order = 2 };\n",
        "f.c": "int m(struct tbl *t)\n{\n\treturn t->order == 1; /* t->order = 0 */\n}\n"})
    kept = prefilter.select(DEAD_ORDER, tree, files)
    assert kept == ["a.c", "b.c", "e.c", "t.h"]


def test_real_rules_declare_known_filters():
    """Every rule that says @computed has a prefilter beside it that loads,
    every such file belongs to a rule that says so, and every other term is
    made of well-formed parts."""
    series = manifest.load()
    computed = set()
    for step in series.steps:
        for r in step.rules:
            each, group = prefilter.declared(r)
            words = group if r.together else each
            if words and words[0].startswith("@"):
                assert words == [prefilter.COMPUTED], (step.name, r.name)
                assert callable(prefilter.computed(r).keep)
                computed.add(prefilter.computed_path(r))
            elif words:     # NAME, .NAME or .NAME( parts, joined by +
                for part in (p for w in words for p in w.split("+")):
                    assert re.fullmatch(r"[A-Za-z_]\w*|\.[A-Za-z_]\w*\(?", part), \
                        (step.name, r.name, part)
    assert computed == set((ROOT / "cocci").glob("*/*" + prefilter.SUFFIX))
    assert len(computed) == 2
    assert pathlib.Path(prefilter.__file__).is_file()


def test_manifest_paths_come_first_and_stay_without_prefilter(tmp_path, monkeypatch):
    tree = tmp_path / "t"
    files = write(tree, {"drivers/iommu/amd/a.c": "alpha\n", "drivers/iommu/b.c": "alpha\n",
                         "include/linux/iommu.h": "alpha\n"})
    p = tmp_path / "r.cocci"
    p.write_text("// Prefilter: alpha\nvirtual patch\n")
    r = manifest.Rule(p, paths=("drivers/iommu/amd/", "include/linux/iommu.h"))
    assert prefilter.select(r, tree, files) == ["drivers/iommu/amd/a.c", "include/linux/iommu.h"]
    assert not r.takes("drivers/iommu/amd.c")       # a directory, not a name prefix
    monkeypatch.setenv("IPM_NO_PREFILTER", "1")
    assert prefilter.select(r, tree, files) == ["drivers/iommu/amd/a.c", "include/linux/iommu.h"]
