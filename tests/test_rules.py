"""Each semantic patch of a ready step, run on the fixtures we wrote.

Layout: the rule NAME.cocci as step NN-slug uses it (a step may use a rule
of an earlier step's folder with other -D definitions) has inputs in
tests/fixtures/NN-slug/NAME/*.c and expected outputs of the same names in
expected/NN-slug/NAME/.  A fixture whose expected output equals its input
is a case the rule must leave alone; every rule needs at least one such
case and at least one it changes."""

import dataclasses
import difflib
import shutil

import pytest

from conftest import ROOT
from ipm import manifest, spatch


def uses():
    """(step name, Rule) for every rule of every ready step."""
    series = manifest.load()
    return [(s.name, r) for s in series.steps if s.ready for r in s.rules]


def fixture_dir(use, kind):
    step, rule = use
    stem = rule.path.stem
    return ROOT / kind / step / stem if kind == "expected" else \
        ROOT / "tests" / "fixtures" / step / stem


def use_id(use):
    return f"{use[0]}/{use[1].path.stem}"


def cases():
    out = []
    for use in uses():
        for c in sorted(fixture_dir(use, "fixtures").glob("*.[ch]")):
            out.append(pytest.param(use, c, id=f"{use_id(use)}/{c.name}"))
    return out


@pytest.mark.parametrize("use", uses(), ids=use_id)
def test_rule_has_positive_and_negative_fixtures(use):
    inputs = sorted(fixture_dir(use, "fixtures").glob("*.[ch]"))
    assert inputs, f"no fixtures for {use_id(use)}"
    same = [c for c in inputs
            if (fixture_dir(use, "expected") / c.name).read_bytes() == c.read_bytes()]
    changed = [c for c in inputs if c not in same]
    assert changed, "no fixture that the rule changes"
    assert same, "no fixture that the rule must leave alone (expected == input)"


@pytest.mark.parametrize("use,case", cases())
def test_rule_output(use, case, tmp_path):
    # the manifest's paths name kernel files, not fixtures: the rule itself
    # is what is tested here
    rule = dataclasses.replace(use[1], paths=())
    expected = fixture_dir(use, "expected") / case.name
    assert expected.is_file(), f"missing {expected.relative_to(ROOT)}"
    work = tmp_path / case.name
    shutil.copy(case, work)
    # the runner's own path: prefilter, then spatch (or nothing when the
    # prefilter drops the file, which a changed fixture then reports)
    spatch.apply(rule, tmp_path, [work.name])
    got = work.read_text()
    want = expected.read_text()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            "expected", "got"))
        pytest.fail(f"{use_id(use)} on {case.name} differs from expected:\n{diff}")
