"""Which files of the scope a rule can change: spatch is given only those.

spatch 1.1.1 skips a file whose tokens cannot match a rule (its "grep
query"), but it computes no query for a rule with script constraints or a
gate rule, and then parses and matches every file: that was most of the
time of an apply.  A rule can say in its header which files are worth
giving it:

  // Prefilter: NAME NAME+NAME .NAME+NAME ...   (lines add up)
      a file can be changed only if it contains one of these identifiers,
      or all the names of one NAME+NAME term (the names of the rule's
      gate, or every name its minus code requires; a term for a rewrite
      that needs several).  A word search of the raw text, comments
      included: a superset of what spatch's own token test would keep.
      .NAME asks for NAME as a member, after -> or . (comments between
      allowed): for a rule that reads e->NAME or e.NAME, and the
      isomorphisms that match one as the other (or as e[i].NAME) keep
      that shape.  .NAME( asks for a call of that member, closing
      parentheses allowed before the '(' ((e->NAME)(...)).
  // Prefilter: @computed
      the files are chosen by Python beside the rule: for RULE.cocci, the
      function keep(texts, files) of RULE.prefilter.py in the same
      directory.  It gets a Texts of the run's directory and the files
      (relative paths, in order) and returns the ones to keep; select()
      keeps them in the order of FILES.  For a rule whose decision needs
      more than words: it re-does, on the tokens of csrc.py, the part of
      the rule's own logic that says where the rule can change anything.
      A missing RULE.prefilter.py, or one that cannot be loaded or
      defines no keep(), is a broken series: a ToolError with
      EXIT_MANIFEST, before spatch runs.  Any other word starting with @
      gives the rule every file (no filter).
  // Prefilter-together: ...
      the same terms, for a run with all files in one group (manifest
      'together'), where a fact of one file can change the decision in
      another; the plain Prefilter line is then not used.  When both
      lines say @computed, the same keep() serves both runs.

A rule without such a line gets every file, as before.  The prefilter
must be sound: it may keep a file the rule leaves alone, it must never
drop one the rule could change (or, for a group, one whose facts the
rule reads).  The fixture tests run each rule through select() too, so
a positive fixture the prefilter would drop fails its test.
IPM_NO_PREFILTER=1 gives every rule every file (to measure the prefilter
and to compare an apply with and without it)."""

import functools
import importlib.util
import os
import re

from .csrc import blank_code, tokenize
from .errors import ToolError, EXIT_MANIFEST

COMPUTED = "@computed"
SUFFIX = ".prefilter.py"

_IDENT = re.compile(r"[A-Za-z_]\w*")
_HEADER = re.compile(r"^//\s*(Prefilter|Prefilter-together):\s*(.*?)\s*$", re.M)


@functools.lru_cache(maxsize=None)
def _declared(path, mtime):
    """{kind: [words]} of the Prefilter lines of a rule file."""
    out = {}
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return out
    for m in _HEADER.finditer(text):   # repeated lines add up
        out.setdefault(m.group(1).lower(), []).extend(m.group(2).split())
    return out


def declared(rule):
    """(per-file words or None, together words or None) of a Rule."""
    try:
        mtime = rule.path.stat().st_mtime_ns
    except OSError:
        return None, None
    d = _declared(str(rule.path), mtime)
    return d.get("prefilter"), d.get("prefilter-together")


def describe(rule):
    """One line for the command log: what the prefilter kept files by."""
    each, group = declared(rule)
    words = group if rule.together else each
    return " ".join(words) if words else None


def select(rule, cwd, files):
    """The FILES (relative to CWD) that RULE must be given, in order.

    First the manifest's paths of the rule (the files a step may change
    at all), then the rule's own prefilter."""
    files = [f for f in files if rule.takes(f)]
    each, group = declared(rule)
    words = group if rule.together else each
    if not words or os.environ.get("IPM_NO_PREFILTER"):
        return list(files)
    texts = Texts(cwd)
    if words[0] == COMPUTED:
        kept = set(computed(rule).keep(texts, list(files)))
        return [f for f in files if f in kept]
    if words[0].startswith("@"):
        return list(files)
    terms = [_term(w) for w in words]
    return [f for f in files
            if any(names <= texts.idents(f) and
                   all(m.search(texts.raw(f)) for m in members)
                   for names, members in terms)]


def computed_path(rule):
    """The file of RULE's computed prefilter: RULE.prefilter.py beside it."""
    return rule.path.with_name(rule.path.stem + SUFFIX)


def computed(rule):
    """The loaded module of RULE's computed prefilter (see the top)."""
    path = computed_path(rule)
    where = f"{rule.path.parent.name}/{rule.path.name}"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise ToolError(f"{where}: its prefilter is {COMPUTED}, but there is no "
                        f"{path.name} beside it", EXIT_MANIFEST) from None
    return _load(str(path), mtime, where)


@functools.lru_cache(maxsize=None)
def _load(path, mtime, where):
    """The module of the prefilter file PATH (loaded again when it changes)."""
    name = os.path.basename(path)
    spec = importlib.util.spec_from_file_location(
        "ipm_prefilter_" + re.sub(r"\W", "_", name[:-len(SUFFIX)]), path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:      # a syntax error, a failed import, ...
        why = str(e).splitlines()[0] if str(e) else ""
        raise ToolError(f"{where}: cannot load {name}: {type(e).__name__}: {why}",
                        EXIT_MANIFEST) from None
    if not callable(getattr(module, "keep", None)):
        raise ToolError(f"{where}: {name} defines no keep(texts, files)", EXIT_MANIFEST)
    return module


@functools.lru_cache(maxsize=None)
def _term(word):
    """(identifiers, member patterns) of one NAME+.NAME+... term."""
    parts = word.split("+")
    names = frozenset(p.lstrip(".").rstrip("(") for p in parts)
    gap = r"(?:\s|\\\n|/\*.*?\*/)*"
    members = tuple(re.compile(r"(?:->|\.)" + gap + p[1:].rstrip("(") + r"\b" +
                               (r"(?:" + gap + r"\))*" + gap + r"\(" if p.endswith("(") else ""),
                               re.S)
                    for p in parts if p.startswith("."))
    return names, members


class Texts:
    """The files of a run's directory as a prefilter reads them: each file
    read once, each form computed once (RELs are relative to CWD)."""

    def __init__(self, cwd):
        self.cwd = cwd
        self._raw, self._code, self._ids, self._toks = {}, {}, {}, {}

    def raw(self, rel):
        """The text of REL as it is ("" when it cannot be read)."""
        if rel not in self._raw:
            try:
                with open(f"{self.cwd}/{rel}", errors="replace") as fh:
                    self._raw[rel] = fh.read()
            except OSError:
                self._raw[rel] = ""
        return self._raw[rel]

    def idents(self, rel):
        """Every identifier of the raw text, comments included."""
        if rel not in self._ids:
            self._ids[rel] = _idents(self.raw(rel))
        return self._ids[rel]

    def code(self, rel):
        """The text with comments, strings and character literals blanked:
        same lines and columns (csrc.blank_code)."""
        if rel not in self._code:
            self._code[rel] = _code(self.raw(rel))
        return self._code[rel]

    def tokens(self, rel):
        """The csrc.Token list of code(rel), preprocessor lines included
        (shared between runs: read it, do not change it)."""
        if rel not in self._toks:
            self._toks[rel] = _tokens(self.code(rel))
        return self._toks[rel]


# Keyed by the text itself: a step leaves most files as they were, and
# the next rule or step asks again.
@functools.lru_cache(maxsize=4096)
def _idents(text):
    return frozenset(_IDENT.findall(text))


@functools.lru_cache(maxsize=256)
def _code(text):
    return blank_code(text)


@functools.lru_cache(maxsize=256)
def _tokens(code):
    return tokenize(code)
