"""The prefilter that decides which files a rule is given (ipm/prefilter.py).

Soundness on the real rules is covered elsewhere: the fixture tests run
every rule through spatch.apply(), and the full apply on 6.12 is compared
with IPM_NO_PREFILTER=1 (docs/conversion.md).  Here: the header syntax and
the computed filters on small trees we write."""

import pathlib
import re

from ipm import manifest, prefilter


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
    r = rule(tmp_path, "// Prefilter: nothing_here\n// Prefilter-together: @free-lists\n",
             together=True)
    tree = tmp_path / "t"
    files = write(tree, {"a.c": "void f(void) { }\n"})
    assert prefilter.select(r, tree, files) == []       # no seed: nothing to do


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


def test_free_lists_keeps_the_files_a_seeded_list_reaches(tmp_path):
    tree = tmp_path / "t"
    files = write(tree, {"gather.h": GATHER_H, "user.c": USER_C, "splice.c": SPLICE_C,
                         "pending.h": PENDING_H, "unrelated.c": UNRELATED_C,
                         "plain.c": "int x;\n"})
    kept = prefilter.free_lists(prefilter._Texts(tree), files)
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
    kept = prefilter.free_lists(prefilter._Texts(tree), files)
    assert kept == ["a.c", "b.c", "c.h"]


def test_dead_order_members(tmp_path):
    tree = tmp_path / "t"
    files = write(tree, {
        "t.h": "struct tbl {\n\tvoid *table;\n\tint order;\n};\n",
        "a.c": "void f(struct tbl *t)\n{\n\tiommu_free_pages(t->table, t->order);\n}\n",
        "b.c": "void g(struct tbl *t, int o)\n{\n\tt->order = o;\n}\n",
        "c.c": "int h(int order)\n{\n\treturn get(order);\n}\n",
        "d.c": "void k(void *p)\n{\n\tiommu_free_pages(p, 0);\n}\n"})
    kept = prefilter.dead_order_members(prefilter._Texts(tree), files)
    assert kept == ["a.c", "b.c", "t.h"]


def test_real_rules_declare_known_filters():
    """Every computed filter a rule names exists, for the mode it runs in, and
    every other term is made of well-formed parts."""
    series = manifest.load()
    for step in series.steps:
        for r in step.rules:
            each, group = prefilter.declared(r)
            words = group if r.together else each
            if words and words[0].startswith("@"):
                assert (words[0], bool(r.together)) in prefilter.COMPUTED, (step.name, r.name)
            elif words:     # NAME, .NAME or .NAME( parts, joined by +
                for part in (p for w in words for p in w.split("+")):
                    assert re.fullmatch(r"[A-Za-z_]\w*|\.[A-Za-z_]\w*\(?", part), \
                        (step.name, r.name, part)
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
