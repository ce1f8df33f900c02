"""The README is the front door: short, and every page of docs/ reachable
from it; every relative link of README.md and docs/ leads somewhere; the
documentation does not point outside the repository for the spec."""

import re

import pytest

from conftest import ROOT

README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def links(path):
    """The link targets of PATH, outside code blocks and code spans."""
    text = re.sub(r"(?ms)^```.*?^```", "", path.read_text())
    return LINK.findall(re.sub(r"`[^`\n]*`", "", text))


def anchors(path):
    """GitHub's anchors of the headings of PATH."""
    out = set()
    for line in path.read_text().splitlines():
        m = re.match(r"#+\s+(.*)", line)
        if m:
            text = re.sub(r"[^\w\- ]", "", m.group(1).lower())
            out.add(text.replace(" ", "-"))
    return out


def test_readme_is_short():
    assert len(README.read_text().splitlines()) <= 160


def test_readme_links_every_docs_page():
    assert PAGES
    linked = {link.split("#")[0] for link in links(README)}
    missing = [p.name for p in PAGES if f"docs/{p.name}" not in linked]
    assert not missing, f"docs pages not linked from README.md: {missing}"


@pytest.mark.parametrize("doc", [README] + PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(doc):
    bad = []
    for link in links(doc):
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        path = (doc.parent / target).resolve() if target else doc
        if not path.exists():
            bad.append(link)
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            bad.append(link)
    assert not bad, f"{doc.name}: links that lead nowhere: {bad}"


@pytest.mark.parametrize("doc", [README] + PAGES, ids=lambda p: p.name)
def test_no_reference_outside_the_repository(doc):
    assert "../shared" not in doc.read_text()
