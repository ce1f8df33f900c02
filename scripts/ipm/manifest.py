"""Read and validate series.toml, and parse step ranges."""

import dataclasses
import pathlib
import re
import tomllib

from .errors import ToolError, EXIT_MANIFEST

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "series.toml"


@dataclasses.dataclass(frozen=True)
class Patch:
    path: pathlib.Path
    why: str


@dataclasses.dataclass(frozen=True)
class Rule:
    """A semantic patch as one step uses it."""
    path: pathlib.Path
    together: bool = False   # all files of the scope in one spatch group
    define: tuple = ()       # (name, value) pairs passed as -D name=value
    paths: tuple = ()        # directories (ending in /) or files it may
                             # change; empty: the whole scope

    @property
    def name(self):
        return self.path.name

    def takes(self, rel):
        """Whether the rule is given the scope file REL."""
        return not self.paths or any(under(rel, p) for p in self.paths)


def under(rel, path):
    """Whether REL is PATH, or below PATH when it ends in '/'."""
    return rel.startswith(path) if path.endswith("/") else rel == path


def _relative_paths(v):
    return isinstance(v, list) and all(
        isinstance(d, str) and d and not d.startswith("/") and ".." not in d.split("/")
        for d in v)


@dataclasses.dataclass(frozen=True)
class Step:
    number: int
    slug: str
    subject: str
    status: str
    rules: tuple          # of Rule, applied in this order
    patches: tuple
    gone: tuple
    message: str
    refused: tuple = ()   # of (compiled pattern, why): a line left by the
                          # step that matches one cannot be converted, why
    gone_paths: tuple = ()  # where 'gone' is tested (default: the scope)
    driver: tuple = ()    # the driver's files (series.toml's driver_paths)
    rules_message: str = ""  # a paragraph the commit message gets when the
                             # rules changed a file (series.toml's rules_message)

    def gone_files(self, files):
        """The files of FILES (relative paths) that 'gone' is tested on."""
        if not self.gone_paths:
            return list(files)
        return [f for f in files if any(under(f, p) for p in self.gone_paths)]

    @property
    def name(self):
        return f"{self.number:02d}-{self.slug}"

    @property
    def driver_paths(self):
        """The files of the one driver the step converts: series.toml's
        driver_paths, else the paths its rules are confined to when each
        rule is; empty for a step of the core or of every driver."""
        if self.driver or not self.rules or not all(r.paths for r in self.rules):
            return self.driver
        return tuple(dict.fromkeys(p for r in self.rules for p in r.paths))

    @property
    def ready(self):
        return self.status == "ready"


@dataclasses.dataclass(frozen=True)
class Series:
    title: str
    scope: tuple
    steps: tuple

    def step(self, number):
        return self.steps[number - 1]


def _read(path):
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ToolError(f"{path}: manifest not found", EXIT_MANIFEST)
    except tomllib.TOMLDecodeError as e:
        raise ToolError(f"{path}: {e}", EXIT_MANIFEST)


def _scope(data, path):
    scope = data.get("series", {}).get("scope")
    if not scope or not _relative_paths(scope):
        raise ToolError(f"{path.name}: [series] scope must be a list of relative paths",
                        EXIT_MANIFEST)
    return tuple(scope)


def scope(path=MANIFEST):
    """The files and directories of a kernel tree that the series reads and
    writes (series.toml's [series] scope), without loading the steps."""
    path = pathlib.Path(path)
    return _scope(_read(path), path)


def load(path=MANIFEST, root=None):
    """Load the manifest; every problem is a ToolError naming the step."""
    path = pathlib.Path(path)
    root = pathlib.Path(root) if root else path.parent
    data = _read(path)
    series = data.get("series", {})
    raw = data.get("step", [])
    steps = []
    for i, s in enumerate(raw, 1):
        where = f"{path.name}: step {s.get('number', '?')}"
        if s.get("number") != i:
            raise ToolError(f"{where}: expected step number {i}", EXIT_MANIFEST)
        for key in ("slug", "subject", "message"):
            if not isinstance(s.get(key), str) or not s[key].strip():
                raise ToolError(f"{where}: missing {key}", EXIT_MANIFEST)
        status = s.get("status", "ready")
        if status not in ("ready", "planned"):
            raise ToolError(f"{where}: status must be 'ready' or 'planned'", EXIT_MANIFEST)
        rules = tuple(_rule(r, root, where) for r in s.get("rules", []))
        patches = tuple(Patch(root / "patches" / p["file"], p.get("why", ""))
                        for p in s.get("patches", []))
        for p in patches:
            if not p.why.strip():
                raise ToolError(f"{where}: patch {p.path.name} has no 'why'", EXIT_MANIFEST)
        if status == "ready":
            for f in [r.path for r in rules] + [p.path for p in patches]:
                if not f.is_file():
                    raise ToolError(f"{where}: missing file {f.relative_to(root)}", EXIT_MANIFEST)
        gone = []
        for g in s.get("gone", []):
            try:
                gone.append(re.compile(g))
            except re.error as e:
                raise ToolError(f"{where}: bad 'gone' pattern {g!r}: {e}", EXIT_MANIFEST)
        refused = []
        for r in s.get("refused", []):
            if not isinstance(r, dict) or not isinstance(r.get("re"), str) \
                    or not isinstance(r.get("why"), str) or not r["why"].strip():
                raise ToolError(f"{where}: a 'refused' entry needs re and why", EXIT_MANIFEST)
            try:
                refused.append((re.compile(r["re"]), r["why"].strip()))
            except re.error as e:
                raise ToolError(f"{where}: bad 'refused' pattern {r['re']!r}: {e}", EXIT_MANIFEST)
        gone_paths = s.get("gone_paths", [])
        if not isinstance(gone_paths, list) or not all(
                isinstance(g, str) and g.strip() for g in gone_paths):
            raise ToolError(f"{where}: gone_paths must be a list of paths", EXIT_MANIFEST)
        driver = s.get("driver_paths", [])
        if not _relative_paths(driver):
            raise ToolError(f"{where}: driver_paths must be a list of relative paths",
                            EXIT_MANIFEST)
        extra = s.get("rules_message", "")
        if not isinstance(extra, str):
            raise ToolError(f"{where}: rules_message must be a string", EXIT_MANIFEST)
        steps.append(Step(i, s["slug"], s["subject"], status, rules, patches,
                          tuple(gone), s["message"].strip() + "\n", tuple(refused),
                          tuple(gone_paths), tuple(driver), extra.strip()))
    if not steps:
        raise ToolError(f"{path.name}: no [[step]]", EXIT_MANIFEST)
    return Series(series.get("title", ""), _scope(data, path), tuple(steps))


def _rule(entry, root, where):
    """A rules entry: "NN-slug/x.cocci" or a table with file, and optionally
    together = true, define = {name = "value"} (spatch -D name=value,
    read in the rule as `v << virtual.name;`) and paths = ["dir/", "file"]
    (the rule is given only those files of the scope)."""
    if isinstance(entry, str):
        return Rule(root / "cocci" / entry)
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise ToolError(f"{where}: a rules entry needs a file", EXIT_MANIFEST)
    define = entry.get("define", {})
    if not isinstance(define, dict) or not all(
            re.fullmatch(r"[A-Za-z_]\w*", k) and isinstance(v, str) for k, v in define.items()):
        raise ToolError(f"{where}: define must map names to strings", EXIT_MANIFEST)
    paths = entry.get("paths", [])
    if not _relative_paths(paths):
        raise ToolError(f"{where}: paths must be a list of relative paths", EXIT_MANIFEST)
    return Rule(root / "cocci" / entry["file"], bool(entry.get("together")),
                tuple(sorted(define.items())), tuple(paths))


def parse_steps(spec, nsteps):
    """'1-6,9' -> [1, 2, 3, 4, 5, 6, 9]; '' or 'all' -> every step of
    the NSTEPS of the series."""
    spec = (spec or "").strip()
    if spec in ("", "all"):
        return list(range(1, nsteps + 1))
    out = set()
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not m:
            raise ToolError(f"STEPS: cannot read {part!r} (use e.g. 1-6 or 3,5)")
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if not 1 <= lo <= hi <= nsteps:
            raise ToolError(f"STEPS: {part.strip()} is outside 1-{nsteps}")
        out.update(range(lo, hi + 1))
    return sorted(out)
