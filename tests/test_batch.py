"""One spatch run for the rules of a step (scripts/ipm/batch.py).

The renaming and the refusals are checked on small rule texts; then, for
every step of series.toml with several rules, the step's rules run as one
batch and one by one on every fixture of the step must give the same
bytes."""

import dataclasses
import pathlib
import shutil

import pytest

from conftest import ROOT
from ipm import batch, manifest, spatch
from ipm.errors import ToolError


def combine(*texts):
    return batch.combine([f"f{i}.cocci" for i in range(1, len(texts) + 1)], list(texts))


A = """\
// Options: --no-includes --include-headers
virtual patch
virtual report

@r depends on patch@
identifier f;
position p;
@@
  f@p(...)

@script:python keep@
p << r.p;
f << r.f;
@@
pass

@s extends r@
identifier r.f;
position p != {r.p};
identifier g : script:python(r.f) { g != f };
@@
  g(f)

@depends on patch && !keep && (s || r)@
identifier r.f;
@@
- f(1)
+ f(2)
"""

B = """\
// Options: --no-includes --include-headers
virtual report, patch

@r@
expression E;
@@
  foo(E)

@depends on r@
@@
- foo(1)
+ foo(2)
"""


def test_named_rules_and_references_renamed():
    text, origins = combine(A, B)
    lines = text.splitlines()
    assert "@r1_r depends on patch@" in lines
    assert "@script:python r1_keep@" in lines
    assert "p << r1_r.p;" in lines
    assert "@r1_s extends r1_r@" in lines
    assert "position p != {r1_r.p};" in lines
    assert "identifier g : script:python(r1_r.f) { g != f };" in lines
    assert "@depends on patch && !r1_keep && (r1_s || r1_r)@" in lines
    assert "@r2_r@" in lines and "@depends on r2_r@" in lines
    # bodies are not touched; each virtual is declared once, first
    assert "  f@p(...)" in lines and "  foo(E)" in lines
    assert [l for l in lines if l.startswith("virtual")] == \
        ["virtual patch", "virtual report"]
    assert lines.index("virtual patch") < lines.index("@r1_r depends on patch@")
    # every line maps back to its file
    n = lines.index("@r2_r@") + 1
    assert batch.where(origins, n) == f"f2.cocci:{B.splitlines().index('@r@') + 1}"


INIT = """\
virtual patch

@initialize:python@
@@
import re
{}

@r@
identifier f;
position p;
@@
  f@p(...)

@script:python@
p << r.p;
@@
pass
"""


def test_same_python_name_refused():
    with pytest.raises(batch.Refused, match="share the Python name 'SEEN'"):
        combine(INIT.format("SEEN = set()"), INIT.format("SEEN = {}"))


def test_python_name_read_by_one_and_bound_by_other_refused():
    with pytest.raises(batch.Refused, match="'NAMES'"):
        combine(INIT.format("NAMES = set()"),
                INIT.format("def ok(x):\n    return x in NAMES"))


def test_shared_metavariables_and_imports_allowed():
    # both bind p as a script metavariable and import re the same way
    combine(INIT.format("ONE = 1"), INIT.format("TWO = 2"))


@pytest.mark.parametrize("second,why", [
    ("@finalize:python@\n@@\npass\n", "finalize"),
    ("@initialize:python@\n@@\nDATA = open('x').read()\n", "first file"),
    ("@initialize:python@\n@@\nimport os\n", "first file"),
    ("@script:python@\n@@\ncocci.exit()\n", "exit"),
    ("@script:python@\np << virtual.p;\n@@\nif p.file.endswith('x'):\n    pass\n",
     "as a key"),
    ("#spatch --c++\n@@\n@@\n- a\n", "preamble"),
    ("@r depends on rr\n@@\n@@\n- a\n", "one line"),
])
def test_unsure_files_refused(second, why):
    with pytest.raises(batch.Refused, match=why):
        combine("virtual patch\n@@\n@@\n- b\n", "virtual patch\n" + second)


def test_python_io_allowed_in_first_file():
    combine("virtual patch\n@initialize:python@\n@@\nimport os\nTOP = os.getcwd()\n",
            "virtual patch\n@@\n@@\n- b\n")


def test_different_virtuals_refused():
    # alone, a file that lacks `virtual patch` fails under -D patch
    with pytest.raises(batch.Refused, match="virtual"):
        combine("virtual patch\n@@\n@@\n- a\n", "@@\n@@\n- a\n")


def test_different_options_refused():
    with pytest.raises(batch.Refused, match="Options"):
        combine("// Options: --no-includes\nvirtual patch\n@@\n@@\n- a\n",
                "// Options: --all-includes\nvirtual patch\n@@\n@@\n- a\n")


def test_manifest_refusals_name_their_reason(tmp_path):
    a, b = tmp_path / "a.cocci", tmp_path / "b.cocci"
    a.write_text(A)
    b.write_text(B)
    ra, rb = manifest.Rule(a), manifest.Rule(b)
    assert spatch.batch_refusal([ra, rb]) is None
    assert "paths" in spatch.batch_refusal(
        [ra, manifest.Rule(b, paths=("drivers/iommu/amd/",))])
    assert "-D" in spatch.batch_refusal([ra, manifest.Rule(b, define=(("shapes", "x"),))])
    assert "together" in spatch.batch_refusal([ra, manifest.Rule(b, together=True)])


def test_cli_prints_the_combined_file(tmp_path, capsys):
    a, b = tmp_path / "a.cocci", tmp_path / "b.cocci"
    a.write_text(A)
    b.write_text(B)
    import subprocess
    import sys
    p = subprocess.run([sys.executable, str(ROOT / "scripts/ipm/batch.py"),
                        str(a), str(b)], capture_output=True, text=True)
    assert p.returncode == 0
    assert p.stdout == batch.combine([str(a), str(b)])[0]


# -- with spatch ------------------------------------------------------------

def rule(path, **kw):
    return manifest.Rule(pathlib.Path(path), **kw)


def test_inplace_results_written_after_all_groups(tmp_path):
    """batch.py lets the first file's Python read the tree: spatch must
    write its --in-place results only once every group is done."""
    (tmp_path / "a.c").write_text("int f(void) { return foo(1); }\n")
    (tmp_path / "b.c").write_text("int g(void) { return foo(2); }\n")
    sp = tmp_path / "r.cocci"
    sp.write_text("""\
virtual patch

@r@
expression E;
position p;
@@
foo@p(E)

@script:python@
p << r.p;
@@
with open("seen", "a") as out:
    out.write(open("a.c").read().strip() + " | " + open("b.c").read().strip() + "\\n")

@@
expression E;
@@
- foo(E)
+ bar(E)
""")
    groups = tmp_path / "groups"
    groups.write_text("a.c\n\nb.c\n\n")
    import subprocess
    argv = spatch.base_args() + ["--sp-file", str(sp), "--in-place",
                                 "--file-groups", str(groups)]
    p = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    seen = (tmp_path / "seen").read_text().splitlines()
    assert len(seen) == 2 and all("foo(1)" in l and "foo(2)" in l for l in seen), seen
    assert "bar(2)" in (tmp_path / "b.c").read_text()


def one_file(work):
    """A directory with a.c, whose one call foo(1) the rules rewrite."""
    work.mkdir()
    (work / "a.c").write_text("int f(void) { return foo(1); }\n")
    return work


def test_batched_error_names_the_rules_and_line(tmp_path):
    good, bad = tmp_path / "good.cocci", tmp_path / "bad.cocci"
    good.write_text("virtual patch\n@@\n@@\n- foo(1)\n+ foo(2)\n")
    bad.write_text("virtual patch\n@@\nexpression E;\n@@\n- foo(E\n")
    work = one_file(tmp_path / "w")
    log = []
    with pytest.raises(ToolError, match=r"rule good\.cocci\+bad\.cocci: .*bad\.cocci:\d"):
        spatch.apply_rules([rule(good), rule(bad)], work, ["a.c"], log=log)
    assert any("one run of 1 files" in l for l in log)


def test_no_batch_env_runs_rules_one_by_one(tmp_path, monkeypatch):
    r1, r2 = tmp_path / "one.cocci", tmp_path / "two.cocci"
    r1.write_text("virtual patch\n@@\n@@\n- foo(1)\n+ foo(2)\n")
    r2.write_text("virtual patch\n@@\n@@\n- foo(2)\n+ foo(3)\n")
    work = one_file(tmp_path / "w")
    monkeypatch.setenv("IPM_NO_BATCH", "1")
    log = []
    spatch.apply_rules([rule(r1), rule(r2)], work, ["a.c"], log=log)
    assert log[0] == "# separate runs: IPM_NO_BATCH is set"
    assert sum(l.startswith("spatch") for l in log) == 2
    assert "foo(3)" in (work / "a.c").read_text()
    monkeypatch.delenv("IPM_NO_BATCH")
    (work / "a.c").write_text("int f(void) { return foo(1); }\n")
    log = []
    spatch.apply_rules([rule(r1), rule(r2)], work, ["a.c"], log=log)
    assert sum(l.startswith("spatch") for l in log) == 1
    assert "foo(3)" in (work / "a.c").read_text()


# -- the steps of the series --------------------------------------------------

def multi_rule_steps():
    return [s for s in manifest.load().steps if s.ready and len(s.rules) > 1]


def fixtures(step):
    return sorted((ROOT / "tests" / "fixtures" / step.name).rglob("*.c"))


@pytest.mark.parametrize("step", multi_rule_steps(), ids=lambda s: s.name)
def test_step_is_batched(step):
    assert spatch.batch_refusal(step.rules) is None


def _run(rules, files, where, batched, monkeypatch):
    if batched:
        monkeypatch.delenv("IPM_NO_BATCH", raising=False)
    else:
        monkeypatch.setenv("IPM_NO_BATCH", "1")
    where.mkdir()
    names = []
    for f in files:
        name = f"{f.parent.name}--{f.name}"
        shutil.copy(f, where / name)
        names.append(name)
    log = []
    spatch.apply_rules(rules, where, names, log=log)
    return {n: (where / n).read_bytes() for n in names}, log


@pytest.mark.parametrize("step", multi_rule_steps(), ids=lambda s: s.name)
def test_step_batched_equals_one_by_one(step, tmp_path, monkeypatch):
    """Each fixture of the step alone (as the rule tests run them), then all
    of them in one directory: batched and one by one give the same bytes."""
    # the manifest's paths name kernel files, not fixtures
    rules = [dataclasses.replace(r, paths=()) for r in step.rules]
    cases = [[f] for f in fixtures(step)] + [fixtures(step)]
    assert len(cases) > 2, f"no fixtures for {step.name}"
    changed = 0
    for k, files in enumerate(cases):
        one, _ = _run(rules, files, tmp_path / f"one{k}", False, monkeypatch)
        both, log = _run(rules, files, tmp_path / f"batch{k}", True, monkeypatch)
        assert sum(l.startswith("spatch") for l in log) <= 1, log
        for name in one:
            assert both[name] == one[name], \
                f"{step.name}: {name} differs between batched and separate runs"
        changed += sum(one[n] != (files[0].parent.parent / n.split("--")[0] /
                                  n.split("--")[1]).read_bytes() for n in one)
    assert changed, "the rules changed no fixture: the comparison proves nothing"
