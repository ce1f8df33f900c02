"""make series: the steps as git commits, then a format-patch series with
a cover letter, ready for git send-email.

Where the commits are made.  Never in the user's checkout: the tool has a
repository of its own in the cache (<cache>/series-git/<key>/repo.git).
  * KERNEL is a git tree: that repository borrows the user's objects
    (objects/info/alternates), starts from the user's HEAD (the scope must
    be clean) and builds one commit per step with plumbing (read-tree,
    update-index, write-tree, commit-tree) from the staging copy, so no
    checkout of the kernel is needed and nothing is written into the
    user's repository.  The result is then offered as a branch ipm/vN (or
    ipm/series without a version) in the user's repository with one
    `git fetch` of the few new objects, unless a branch of that name exists
    and is not ours, or is checked out.
  * KERNEL is a plain tree: the scope (drivers/iommu, include/linux/iommu.h)
    is committed once as the base, then the steps on top.  The base commit
    holds only those files, so its hash names their content.

Every patch is run through the tree's own scripts/checkpatch.pl --strict;
errors fail the command, warnings must have a reason in
check/checkpatch.toml and are listed, with that reason, in the cover letter.
"""

import hashlib
import os
import pathlib
import re
import shutil
import tempfile
import textwrap
import tomllib

from . import procs, report, runner, tree as treemod
from .errors import ToolError, EXIT_USAGE
from .manifest import ROOT, under

CHECKPATCH_TABLE = ROOT / "check" / "checkpatch.toml"
SUMMARY = """\
The iommu-pages allocator hands page-table memory to the IOMMU drivers.
In this tree its API is order based and lets struct page leak into the
drivers: they convert between addresses and pages, map pages for DMA and
chain freed tables through page->lru.  This series moves every driver to
kernel virtual addresses and byte sizes, and gives the allocator sole
ownership of the memory descriptor and of the free-list type:

  - drivers allocate with iommu_alloc_pages_node_sz()/iommu_alloc_pages_sz()
    and a size in bytes; sub-page sizes are accepted, allocations stay
    naturally aligned to their power-of-two size;
  - iommu_free_pages() takes only the address;
  - freed tables are chained on a struct iommu_pages_list, without struct
    page, and freed in one batch with iommu_put_pages_list();
  - the allocator moves out of line into iommu-pages.c and describes its
    memory with struct ioptdesc over folios; it refuses __GFP_HIGHMEM.

Driver-specific
sizes (queue and table sizes, alignment needs of small top-level tables)
are kept as the hardware requires; the tegra page directory and page
tables get types of their own instead of struct page handles.

Most driver changes were made with Coccinelle semantic patches; the core
allocator code and new types are written by hand.  Each patch names the
rules and the spatch command below its '---' line.
"""


def git(*args, cwd=None, env=None, input=None, check=True):
    p = procs.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                  env=dict(os.environ, **(env or {})), input=input)
    if check and p.returncode != 0:
        raise ToolError(f"git {args[0]} failed: {(p.stderr or p.stdout).strip()}")
    return p.stdout.strip()


def identity(tree):
    """(name, email) of the user's git identity; ToolError if unset."""
    def get(key):
        p = procs.run(["git", "-C", str(tree), "config", "--get", key],
                      capture_output=True, text=True)
        return p.stdout.strip()
    name, email = get("user.name"), get("user.email")
    if not name or not email:
        raise ToolError("no git identity for the commits and Signed-off-by: set "
                        "git config --global user.name 'Your Name' and user.email", EXIT_USAGE)
    return name, email


def is_git(tree):
    return (pathlib.Path(tree) / ".git").exists()


def load_checkpatch_table(path=CHECKPATCH_TABLE):
    """{TYPE: (reason, message regex or None)} from check/checkpatch.toml."""
    if not pathlib.Path(path).exists():
        return {}
    try:
        data = tomllib.loads(pathlib.Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ToolError(f"{path}: {e}")
    out = {}
    for k, v in data.get("warning", {}).items():
        if not isinstance(v, dict) or not isinstance(v.get("reason"), str):
            raise ToolError(f"{path}: warning.{k} needs a reason")
        out[k] = (v["reason"], re.compile(v["match"]) if v.get("match") else None)
    return out


def justify(table, typ, msg):
    """The table's reason for a checkpatch finding, or None."""
    reason, match = table.get(typ, (None, None))
    if reason is None or (match and not match.search(msg)):
        return None
    return reason


# --- skipped steps ----------------------------------------------------------

def skip_reason(step, tree_files):
    """Why STEP changed nothing on this base, in one line: the driver it
    converts (step.driver_paths, named as in its subject 'iommu/NAME:')
    is not in the base, or nothing matched."""
    paths = step.driver_paths
    if paths and not any(under(f, p) for f in tree_files for p in paths):
        m = re.match(r"iommu/([\w-]+):", step.subject)
        name = f"{m.group(1)} " if m else ""
        where = ", ".join(p.rstrip("/") for p in paths)
        return f"the {name}driver ({where}) is not in this base"
    return "nothing in this base matches what its rules convert"


# --- checkpatch -----------------------------------------------------------------

CP_LINE = re.compile(r"^(ERROR|WARNING|CHECK):([A-Z0-9_]+): (.*)$")


def checkpatch(tree, patches, table):
    """Run the tree's checkpatch.pl --strict on PATCHES.

    Returns (errors, warnings, checks): lists of (patch name, type, message);
    ToolError if the tree has no checkpatch.pl."""
    script = pathlib.Path(tree) / "scripts" / "checkpatch.pl"
    if not script.is_file():
        raise ToolError(f"{tree}: no scripts/checkpatch.pl to check the patches with")
    found = {"ERROR": [], "WARNING": [], "CHECK": []}
    # checkpatch leaves .checkpatch-camelcase.* files in its working
    # directory: give it one of its own in the cache, not OUT (which a
    # second run must find holding only our own files) nor the tree.
    root = treemod.cache_root() / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="checkpatch.", dir=root) as cwd:
        for patch in patches:
            p = procs.run(["perl", str(script), "--strict", "--no-tree",
                                "--show-types", "--no-summary", str(patch.resolve())],
                               capture_output=True, text=True, cwd=cwd)
            for line in p.stdout.splitlines():
                m = CP_LINE.match(line)
                if m:
                    found[m.group(1)].append((patch.name, m.group(2), m.group(3)))
    return found["ERROR"], found["WARNING"], found["CHECK"]


# --- the repository in the cache ------------------------------------------------

class Repo:
    """The cache repository where the series is committed."""

    def __init__(self, path, env):
        self.path = pathlib.Path(path)
        self.env = dict(env, GIT_DIR=str(self.path),
                        GIT_INDEX_FILE=str(self.path / "ipm-index"))

    def git(self, *args, work=None, input=None):
        env = dict(self.env)
        if work is not None:
            env["GIT_WORK_TREE"] = str(work)
        return git(*args, env=env, input=input)


def make_repo(path, name, email, alternates=None):
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    git("init", "-q", "--bare", str(path))
    if alternates:
        (path / "objects" / "info" / "alternates").write_text(str(alternates) + "\n")
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    r = Repo(path, env)
    r.git("config", "core.bare", "false")
    return r


def user_objects(tree):
    d = git("-C", str(tree), "rev-parse", "--path-format=absolute", "--git-common-dir")
    return pathlib.Path(d) / "objects"


class Built:
    """What build() produced."""

    def __init__(self):
        self.base = None        # base commit id
        self.commits = []       # (step, commit id)
        self.skipped = []       # (step, reason)
        self.rows = []          # Row per step run
        self.repo = None
        self.version = None     # kernel version of the base
        self.applied = ""       # e.g. "01-10": steps found already applied
        self.build_checked = []  # arches every commit was built for (--build)


def build(tree, series, steps, scope, work, name, email, say, on_step=None, fmt=None):
    """Commit STEPS on TREE's base in a repository under WORK; return Built.
    ON_STEP(StepResult) is called after each step."""
    tree = pathlib.Path(tree)
    out = Built()
    out.version = treemod.kernel_version(tree)
    stage = work / "stage"
    all_files = treemod.scope_files(tree, scope)
    head = None

    def commit_base(step=None):
        """Before the first step: the base commit (a plain tree's is made
        of the stage, the fresh copy of its scope)."""
        nonlocal head
        if out.repo is not None:
            return
        if is_git(tree):
            treemod.refuse_dirty(tree, scope)
            repo = make_repo(work / "repo.git", name, email, alternates=user_objects(tree))
            out.base = git("-C", str(tree), "rev-parse", "HEAD")
            repo.git("read-tree", out.base)
        else:
            repo = make_repo(work / "repo.git", name, email)
            repo.git("add", "-A", "--", *scope, work=stage)
            t = repo.git("write-tree")
            out.base = repo.git("commit-tree", t, "-m",
                                f"Linux {out.version}: {' and '.join(scope)} of {tree}")
        out.repo = repo
        head = out.base

    def commit_step(res):
        nonlocal head
        step = res.step
        out.rows.append(report.Row(res))
        if on_step:
            on_step(res)
        if not res.changes:
            out.skipped.append((step, skip_reason(step, all_files)))
            return
        out.repo.git("update-index", "--add", "--remove", "--", *sorted(res.changes),
                     work=stage)
        t = out.repo.git("write-tree")
        msg = (f"{step.subject}\n\n{message(step, res)}\n"
               f"Signed-off-by: {name} <{email}>\n")
        head = out.repo.git("commit-tree", t, "-p", head, "-F", "-", input=msg)
        out.repo.git("notes", "add", "-f", "-F", "-", head, input=notes_text(step, res))
        out.commits.append((step, head))

    runner.run_series(steps, stage, scope, src=tree, before_step=commit_base,
                      on_step=commit_step, fmt=fmt)
    commit_base()                       # no step at all: the base alone
    shutil.rmtree(stage, ignore_errors=True)
    branch = "refs/heads/ipm/series"
    out.repo.git("update-ref", branch, head)
    return out


def message(step, res):
    """The body of STEP's commit message: the manifest's message, and its
    rules_message when the rules changed a file (a base whose drivers
    need what the 6.12 message has no cause to say)."""
    body = step.message.rstrip() + "\n"
    if step.rules_message and res.by_rules:
        body += "\n" + textwrap.fill(" ".join(step.rules_message.split()), 72) + "\n"
    return body


def notes_text(step, res):
    """Below the '---' line of each patch: how it was made (git am drops it)."""
    lines = [f"Generated by iommu-pages-migrate, step {step.name}."]
    if step.rules:
        lines.append("Semantic patches: " + ", ".join(
            f"cocci/{r.path.parent.name}/{r.name}" for r in step.rules))
    for p in step.patches:
        lines.append(f"Hand-written: patches/{p.path.parent.name}/{p.path.name} "
                     f"({p.why.strip()})")
    spatch_cmds = [c for c in res.commands if c.startswith("spatch")]
    if spatch_cmds:
        batched = any(c.startswith("# ") and "batch.py" in c for c in res.commands)
        lines.append("spatch command (" + ("one run: the step's rules combined by "
                                           "scripts/ipm/batch.py" if batched else
                                           "one per rule") + ", each file in its own group):")
        cmd = re.sub(r"--sp-file \S+", "--sp-file RULES" if batched else "--sp-file RULE",
                     spatch_cmds[0])
        lines.append("  " + re.sub(r"--file-groups \S+", "--file-groups FILES", cmd))
    if step.rules and res.format_note:
        lines.append(res.format_note)
        fmt_cmds = [c for c in res.commands if c.startswith("clang-format-diff")]
        if fmt_cmds:
            lines.append("  " + fmt_cmds[0])
    return "\n".join(lines) + "\n"


def format_patches(built, series, version, dest, tree, table, say):
    """git format-patch into DEST; fills in the cover letter; runs checkpatch.

    Returns (paths, errors, warnings)."""
    repo = built.repo
    dest.mkdir(parents=True, exist_ok=True)
    args = ["format-patch", "-q", "--cover-letter", "--notes", "--no-signature",
            f"--base={built.base}", "-o", str(dest)]
    if version and version > 1:
        args.append(f"--reroll-count={version}")
    if not built.commits:
        raise ToolError("no step changes anything on this base: no series to write")
    tip = built.commits[-1][1]
    repo.git(*args, f"{built.base}..{tip}")
    paths = sorted(dest.glob("*.patch"))
    cover, patches = paths[0], paths[1:]
    errors, warnings, checks = checkpatch(tree, patches, table)
    text = cover.read_text()
    text = text.replace("*** SUBJECT HERE ***", series.title)
    text = text.replace("*** BLURB HERE ***", cover_blurb(built, tree, errors,
                                                            warnings, checks, table))
    cover.write_text(text)
    return paths, errors, warnings, checks


def cover_blurb(built, tree, errors, warnings, checks, table):
    parts = [SUMMARY]
    parts.append(f"The series applies to Linux {built.version} (base-commit below).")
    if built.build_checked:
        parts.append("Each patch was built on its own (drivers/iommu with -Werror, "
                     f"{' and '.join(built.build_checked)}).")
    if built.skipped:
        parts.append("\nSteps of the conversion left out because they change "
                     "nothing on this base:")
        for step, why in built.skipped:
            parts.append(f"  step {step.number:02d}: {step.subject}\n    {why}")
    if built.applied:
        parts.append(f"\nSteps {built.applied} of the conversion are already in "
                     "this base; the series continues from there.")
    n = len(errors) + len(warnings) + len(checks)
    parts.append(f"\nscripts/checkpatch.pl --strict: {len(errors)} errors, "
                 f"{len(warnings)} warnings, {len(checks)} checks"
                 + (":" if n else "."))
    for kind, items in (("ERROR", errors), ("WARNING", warnings), ("CHECK", checks)):
        for name, typ, msg in items:
            why = justify(table, typ, msg) or "NO REASON RECORDED"
            m = re.match(r"(?:v\d+-)?(\d{4})-", name)
            parts.append(f"  patch {m.group(1) if m else name} {kind}:{typ}: {msg}")
            parts.extend("    " + l for l in textwrap.wrap(why, 68))
    return "\n".join(parts) + "\n"


def default_out(version, built):
    tag = f"v{version}" if version else f"linux-{built.version}"
    return treemod.cache_root() / "series" / tag


def prepare_out(out):
    """OUT must be new, empty, or an earlier output of ours (marker)."""
    out = pathlib.Path(out)
    marker = out / ".ipm-series"
    if out.exists():
        if not out.is_dir():
            raise ToolError(f"{out}: not a directory", EXIT_USAGE)
        # (.checkpatch-camelcase.* files: left there by the checkpatch runs
        # of earlier versions of this tool)
        def ours(p):
            return marker.exists() and (p.suffix == ".patch" or
                                        p.name.startswith(".checkpatch-camelcase."))
        others = [p for p in out.iterdir() if p.name != ".ipm-series" and not ours(p)]
        if others:
            raise ToolError(f"{out}: not empty and not an earlier series output; "
                            "give another OUT", EXIT_USAGE)
        for p in out.iterdir():
            if p.name != ".ipm-series" and p.is_file():
                p.unlink()
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text("written by iommu-pages-migrate 'series'; its *.patch files "
                      "are replaced by the next run\n")
    return out


def offer_branch(tree, built, version, say):
    """Put the series in the user's repository as branch ipm/vN, if clean."""
    if not is_git(tree) or not built.commits:
        return None
    name = f"ipm/v{version}" if version else "ipm/series"
    ref = f"refs/heads/{name}"
    tip = built.commits[-1][1]
    # which tip this tool last put there (kept beside the repository,
    # which is made anew by every run)
    mine = built.repo.path.parent / f"offered-{name.replace('/', '-')}"
    have = git("-C", str(tree), "rev-parse", "-q", "--verify", ref, check=False)
    current = git("-C", str(tree), "symbolic-ref", "-q", "HEAD", check=False)
    previous = mine.read_text().strip() if mine.exists() else ""
    if current == ref:
        say(f"branch {name} is checked out in {tree}: left alone")
        return None
    if have and have != previous:
        say(f"branch {name} exists in {tree} and is not one this tool made: left alone")
        return None
    git("-C", str(tree), "fetch", "-q", "--no-tags", "--force", str(built.repo.path),
        f"refs/heads/ipm/series:{ref}")
    mine.write_text(tip + "\n")
    return name


def work_dir(tree):
    key = hashlib.sha256(str(pathlib.Path(tree).resolve()).encode()).hexdigest()[:16]
    return treemod.cache_root() / "series-git" / key
