"""spatch's parallel mode (-j): the groups of one run spread over
processes must give the bytes that one process gives."""

import dataclasses
import shutil

import pytest

from conftest import ROOT
from ipm import manifest, spatch


def test_jobs_for(monkeypatch):
    monkeypatch.setenv("IPM_SPATCH_JOBS", "4")
    assert spatch.jobs_for(10) == 4
    assert spatch.jobs_for(3) == 3          # never more processes than groups
    assert spatch.jobs_for(1) == 1
    monkeypatch.setenv("IPM_SPATCH_JOBS", "1")
    assert spatch.jobs_for(10) == 1
    monkeypatch.setenv("IPM_SPATCH_JOBS", "x")
    assert 1 <= spatch.jobs_for(10) <= 10   # unreadable: the cores it may use


def steps_with_rules():
    return [s for s in manifest.load().steps if s.ready and s.rules]


def _run(step, where, jobs, monkeypatch):
    monkeypatch.setenv("IPM_SPATCH_JOBS", str(jobs))
    where.mkdir()
    names = []
    for f in sorted((ROOT / "tests" / "fixtures" / step.name).rglob("*.c")):
        name = f"{f.parent.name}--{f.name}"
        shutil.copy(f, where / name)
        names.append(name)
    # the manifest's paths name kernel files, not fixtures
    rules = [dataclasses.replace(r, paths=()) for r in step.rules]
    log = []
    spatch.apply_rules(rules, where, names, log=log)
    return {n: (where / n).read_bytes() for n in names}, log


@pytest.mark.parametrize("step", steps_with_rules(), ids=lambda s: s.name)
def test_parallel_run_gives_the_same_bytes(step, tmp_path, monkeypatch):
    one, _ = _run(step, tmp_path / "j1", 1, monkeypatch)
    two, log = _run(step, tmp_path / "j2", 2, monkeypatch)
    runs = [l for l in log if l.startswith("spatch")]
    assert any(" -j 2 " in l for l in runs) or all(r.together for r in step.rules), runs
    assert two == one
