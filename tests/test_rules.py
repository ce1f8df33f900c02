"""Each semantic patch of a ready step, run on the fixtures we wrote.

Layout: the rule cocci/NN-slug/NAME.cocci has inputs in
tests/fixtures/NN-slug/NAME/*.c and expected outputs of the same names in
expected/NN-slug/NAME/.  A fixture whose expected output equals its input
is a case the rule must leave alone; every rule needs at least one such
case and at least one it changes."""

import difflib
import shutil
import subprocess

import pytest

from conftest import ROOT
from ipm import manifest, spatch


def rules():
    series = manifest.load()
    return [r for s in series.steps if s.ready for r in s.rules]


def fixture_dir(rule, kind):
    step = rule.parent.name
    return ROOT / kind / step / rule.stem if kind == "expected" else \
        ROOT / "tests" / "fixtures" / step / rule.stem


def cases():
    out = []
    for rule in rules():
        for c in sorted(fixture_dir(rule, "fixtures").glob("*.c")):
            out.append(pytest.param(rule, c, id=f"{rule.parent.name}/{rule.stem}/{c.name}"))
    return out


@pytest.mark.parametrize("rule", rules(), ids=lambda r: f"{r.parent.name}/{r.stem}")
def test_rule_has_positive_and_negative_fixtures(rule):
    inputs = sorted(fixture_dir(rule, "fixtures").glob("*.c"))
    assert inputs, f"no fixtures for {rule.relative_to(ROOT)}"
    same = [c for c in inputs
            if (fixture_dir(rule, "expected") / c.name).read_bytes() == c.read_bytes()]
    changed = [c for c in inputs if c not in same]
    assert changed, "no fixture that the rule changes"
    assert same, "no fixture that the rule must leave alone (expected == input)"


@pytest.mark.parametrize("rule,case", cases())
def test_rule_output(rule, case, tmp_path):
    expected = fixture_dir(rule, "expected") / case.name
    assert expected.is_file(), f"missing {expected.relative_to(ROOT)}"
    work = tmp_path / case.name
    shutil.copy(case, work)
    p = subprocess.run(spatch.command(rule, [work.name]), cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    got = work.read_text()
    want = expected.read_text()
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            "expected", "got"))
        pytest.fail(f"{rule.name} on {case.name} differs from expected:\n{diff}")
