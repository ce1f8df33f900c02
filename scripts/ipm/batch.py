"""Combine the semantic patches of one step into one SmPL file.

Each spatch run pays its start-up (SmPL parse, Python start) and parses
every file it is given.  The rules of a step can run as one spatch run
when the combined file does exactly what the separate runs did, in the
same order.  For each C file spatch applies the rules of one SmPL file
in order, and reparses a file after a rule changed it, so the rules of
file 2 see the output of file 1 as they did when file 1 had run alone
over the whole tree.  What differs, and is checked here:

 - rule names: spatch knows one namespace, so every named rule of file i
   becomes r{i}_NAME, with every reference to it (depends on, extends,
   inherited metavariables NAME.x, `x << NAME.y`, script constraint
   parameters); Python code never names a rule and is not touched;
 - one Python interpreter runs every file's @initialize:python@ and
   script code: two files may share a global name only when both bind it
   as a script metavariable (set afresh before each script runs) or by
   the same plain import, or when neither binds it (a builtin);
 - the order: files 2.. run on a C file before file 1 has seen the
   others, and their Python, when run, sees the tree as it was before the
   run (spatch writes the --in-place results once all groups are done)
   and the positions of a file that an earlier rule changed name
   spatch's reparsed copy: so files 2.. must not read files (open, os,
   ...) and may use a position's .file only as an element of a tuple
   (a key); file 1 runs first on each file as it did alone, and may;
 - cocci.exit() would end the later files' rules too: refused anywhere;
 - @finalize, OCaml scripts, `using`, #include, #spatch lines, different
   `// Options:` lines or `virtual` sets: refused.

Anything this module does not recognise with certainty is refused, and
the caller runs the files one by one as before.  No dependency on the
rest of the package, so that the command log's line
    python3 scripts/ipm/batch.py A.cocci B.cocci > COMBINED
remakes the exact file a run used."""

import ast
import hashlib
import re
import symtable
import sys
import textwrap


class Refused(Exception):
    """The files cannot be batched; the message says why."""


_HEADER = re.compile(r"^@([^@]*)@\s*$")
_TOKEN = re.compile(r'\s+|"(?:[^"\\\n]|\\.)*"|[A-Za-z_]\w*(?::[A-Za-z_]\w*)?'
                    r"|&&|\|\||.", re.S)
_KEYWORDS = {"depends", "on", "exists", "forall", "extends", "disable",
             "ever", "never", "file", "in"}
# Python names that read or write outside the interpreter
_IO = {"open", "os", "io", "pathlib", "shutil", "glob", "subprocess", "sys",
       "importlib", "builtins", "__import__", "exec", "eval", "compile",
       "globals", "locals", "vars", "exit", "quit", "input", "socket"}
_SAFE_MODULES = {"re", "math", "itertools", "functools", "collections",
                 "string", "operator"}


class Chunk:
    """One rule of a file: its header line, declarations and body."""

    def __init__(self, lineno, header):
        self.lineno = lineno          # 1-based line of the header
        self.header = header          # text between the two @
        self.decl = []                # lines between header and @@
        self.sep = None               # the @@ line
        self.body = []
        words = header.split()
        first = words[0] if words else ""
        self.kind, self.lang = "smpl", None
        m = re.fullmatch(r"(script|initialize|finalize):(\w+)", first)
        if m:
            self.kind, self.lang = m.group(1), m.group(2)


class RuleFile:
    def __init__(self, path, text):
        self.path = str(path)
        self.lines = text.splitlines()
        self.virtuals = []            # names, in order
        self.virtual_lines = set()    # 0-based line indexes
        self.options = None
        self.chunks = []
        self._parse()
        self.names = self._rule_names()

    def refuse(self, why, line=None):
        where = f"{self.path}:{line}" if line else self.path
        raise Refused(f"{where}: {why}")

    def _parse(self):
        cur = None
        for i, line in enumerate(self.lines):
            n = i + 1
            if line.startswith("@"):
                if line.strip() == "@@" and cur is not None and cur.sep is None:
                    cur.sep = i       # end of the declarations
                    continue
                m = _HEADER.match(line)
                if not m:
                    self.refuse("rule header not on one line", n)
                if cur is not None and cur.sep is None:
                    self.refuse("rule without @@", cur.lineno)
                cur = Chunk(n, m.group(1))
                self.chunks.append(cur)
                continue
            if cur is None:
                s = line.strip()
                m = re.match(r"//\s*Options:\s*(.*?)\s*$", s)
                if m:
                    self.options = m.group(1)
                if not s or s.startswith("//"):
                    continue
                m = re.fullmatch(r"virtual\s+([\w\s,]+?);?", s)
                if not m:
                    self.refuse(f"cannot batch a preamble line {s[:40]!r}", n)
                self.virtuals += [v for v in re.split(r"[\s,]+", m.group(1)) if v]
                self.virtual_lines.add(i)
            elif cur.sep is None:
                cur.decl.append(line)
            else:
                cur.body.append(line)
        if cur is not None and cur.sep is None:
            self.refuse("rule without @@", cur.lineno)
        for c in self.chunks:
            if c.kind == "finalize":
                self.refuse("@finalize runs after all files: not batched", c.lineno)
            if c.lang is not None and c.lang != "python":
                self.refuse(f"{c.kind}:{c.lang} is not batched", c.lineno)

    def _rule_names(self):
        names = []
        for c in self.chunks:
            toks = [t for t in _TOKEN.findall(c.header) if t.strip()]
            if c.kind != "smpl":
                toks = toks[1:]
            if toks and re.fullmatch(r"[A-Za-z_]\w*", toks[0]) and \
                    toks[0] not in _KEYWORDS:
                c.name = toks[0]
                names.append(toks[0])
            else:
                c.name = None
        clash = set(names) & set(self.virtuals)
        if clash:
            self.refuse(f"rule named like a virtual: {sorted(clash)}")
        return set(names)

    # -- renaming ----------------------------------------------------------

    def renamed(self, prefix):
        """The file's lines with every named rule NAME as PREFIX+NAME."""
        out = list(self.lines)
        for i in self.virtual_lines:
            out[i] = "// " + self.lines[i] + "  (declared once, above)"
        for c in self.chunks:
            out[c.lineno - 1] = "@" + self._header(c, prefix) + "@"
            first = c.lineno       # 0-based index of the first decl line
            text = "\n".join(c.decl)
            if c.kind == "script":
                new = self._script_decl(c, text, prefix)
            elif c.kind == "initialize":
                if text.strip():
                    self.refuse("declarations in @initialize", c.lineno)
                new = text
            else:
                new = self._smpl_decl(c, text, prefix)
            new_lines = new.split("\n") if c.decl else []
            assert len(new_lines) == len(c.decl)
            out[first:first + len(c.decl)] = new_lines
        return out

    def _header(self, c, prefix):
        toks = _TOKEN.findall(c.header)
        out, seen_kind, named, mode = [], c.kind == "smpl", False, None
        for t in toks:
            if not t.strip():
                out.append(t)
                continue
            if not seen_kind:
                seen_kind = True
                out.append(t)
                continue
            if t.startswith('"'):
                if mode != "file":
                    self.refuse(f"string in rule header: {c.header!r}", c.lineno)
                out.append(t)
                mode = None
                continue
            if re.fullmatch(r"[A-Za-z_]\w*", t):
                if t == c.name and not named:
                    named = True
                    out.append(prefix + t)
                elif t in ("depends", "on", "exists", "forall", "ever", "never", "in"):
                    mode = None if t != "in" or mode != "file" else "file"
                    out.append(t)
                elif t == "file":
                    mode = "file"
                    out.append(t)
                elif t == "disable":
                    mode = "disable"
                    out.append(t)
                elif t == "extends":
                    mode = "extends"
                    out.append(t)
                elif mode == "disable":
                    out.append(t)     # an isomorphism name
                elif t in self.names:
                    out.append(prefix + t)
                    mode = None
                elif t in self.virtuals:
                    out.append(t)
                else:
                    self.refuse(f"unknown word {t!r} in rule header", c.lineno)
                named = True
                continue
            if t in ("&&", "||", "!", "(", ")", ","):
                out.append(t)
                continue
            self.refuse(f"cannot read rule header {c.header!r}", c.lineno)
        return "".join(out)

    def _ref(self, word, prefix):
        return prefix + word if word in self.names else word

    def _script_decl(self, c, text, prefix):
        """`x << rule.y;`, `x << rule.y = default;` and `x;` lines."""
        c.metavars = set()
        code = re.sub(r"//[^\n]*", "", text)
        if "/*" in code:
            self.refuse("comment in script declarations", c.lineno)
        item = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:<<\s*([A-Za-z_]\w*)\s*\.\s*"
                          r"([A-Za-z_]\w*))?\s*(=[^;]*)?")
        for part in code.split(";"):
            if not part.strip():
                continue
            m = item.fullmatch(part)
            if not m:
                self.refuse(f"cannot read script declaration {part.strip()!r}",
                            c.lineno)
            c.metavars.add(m.group(1))

        def sub(m):
            return f"{m.group(1)}{self._ref(m.group(2), prefix)}{m.group(3)}"
        return re.sub(r"(<<\s*)([A-Za-z_]\w*)(\s*\.)", sub, text)

    def _smpl_decl(self, c, text, prefix):
        """Rename NAME.x in the declarations of an SmPL rule.

        Comments and strings are copied; the Python of a script
        constraint ({...} after script:python(...)) is copied and kept
        for the name checks."""
        c.constraints = []            # (python text, metavariable names)
        out, i, n = [], 0, len(text)
        while i < n:
            ch = text[i]
            if text.startswith("//", i):
                j = text.find("\n", i)
                j = n if j < 0 else j
            elif text.startswith("/*", i):
                j = text.find("*/", i + 2)
                if j < 0:
                    self.refuse("unclosed comment", c.lineno)
                j += 2
            elif ch == '"':
                m = re.compile(r'"(?:[^"\\\n]|\\.)*"').match(text, i)
                if not m:
                    self.refuse("unclosed string", c.lineno)
                j = m.end()
            elif ch.isalpha() or ch == "_":
                m = re.compile(r"[A-Za-z_]\w*").match(text, i)
                word, j = m.group(0), m.end()
                if word == "script" and text.startswith(":", j):
                    i = self._constraint(c, text, i, out, prefix)
                    continue
                if word in self.names and re.compile(r"\s*\.\s*[A-Za-z_]").match(text, j):
                    out.append(prefix + word)
                    i = j
                    continue
            else:
                j = i + 1
            out.append(text[i:j])
            i = j
        return "".join(out)

    def _constraint(self, c, text, i, out, prefix):
        """Copy `script:python(params) { code }` starting at I; return its end."""
        m = re.compile(r"script\s*:\s*python\s*\(([^()]*)\)\s*\{").match(text, i)
        if not m:
            self.refuse("cannot read a script constraint", c.lineno)
        params = m.group(1)
        names = set()
        for p in params.split(","):
            p = p.strip()
            if not p:
                continue
            pm = re.fullmatch(r"(?:([A-Za-z_]\w*)\s*\.\s*)?([A-Za-z_]\w*)", p)
            if not pm:
                self.refuse(f"cannot read constraint parameter {p!r}", c.lineno)
            names.add(pm.group(2))
        new_params = re.sub(r"\b([A-Za-z_]\w*)(\s*\.)",
                            lambda x: self._ref(x.group(1), prefix) + x.group(2), params)
        # the metavariable being constrained: the word before the ':'
        before = re.search(r"([A-Za-z_]\w*)\s*:\s*$", text[:i])
        if not before:
            self.refuse("cannot find the constrained metavariable", c.lineno)
        names.add(before.group(1))
        # the Python code: up to the matching brace, outside strings
        depth, j, n = 1, m.end(), len(text)
        while j < n and depth:
            ch = text[j]
            if ch in "\"'":
                sm = re.compile(r"(['\"])(?:[^\\\n]|\\.)*?\1").match(text, j)
                if not sm:
                    self.refuse("unclosed string in a script constraint", c.lineno)
                j = sm.end()
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            j += 1
        if depth:
            self.refuse("unclosed script constraint", c.lineno)
        code = text[m.end():j - 1]
        c.constraints.append((code, names))
        out.append(text[i:m.start(1)] + new_params + text[m.end(1):j])
        return j

    # -- Python ------------------------------------------------------------

    def python(self):
        """[(kind, code, metavariable names)] of every piece of Python."""
        out = []
        for c in self.chunks:
            if c.kind in ("initialize", "script"):
                # spatch drops the SmPL comment lines between two rules
                code = "\n".join("" if l.lstrip().startswith("//") else l
                                 for l in c.body)
                out.append((c.kind, code, getattr(c, "metavars", set())))
            for code, names in getattr(c, "constraints", []):
                out.append(("constraint", code, names))
        return out


class PyNames:
    """Global names a file's Python binds, reads, and imports."""

    def __init__(self, rf):
        self.bound, self.read, self.metavars = set(), set(), set()
        self.imports = {}             # name -> import statement text
        self.import_only = set()
        self.attrs, self.modules = set(), set()
        self.file_outside_tuple = False
        other_bound = set()
        for kind, code, metavars in rf.python():
            self.metavars |= metavars
            mode = "eval" if kind == "constraint" else "exec"
            src = code.strip() if mode == "eval" else textwrap.dedent(code)
            try:
                tree = ast.parse(src, mode=mode)
                table = symtable.symtable(src, rf.path, mode)
            except SyntaxError as e:
                rf.refuse(f"cannot parse Python: {e.msg}")
            self._table(table, True, other_bound)
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute):
                    self.attrs.add(node.attr)
                if isinstance(node, ast.Import):
                    self.modules |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    self.modules.add((node.module or ".").split(".")[0])
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for a in node.names:
                        name = (a.asname or a.name).split(".")[0]
                        sig = ast.unparse(node) if len(node.names) == 1 else \
                            f"{getattr(node, 'module', '')}:{a.name} as {a.asname}"
                        if self.imports.setdefault(name, sig) != sig:
                            other_bound.add(name)
            self.file_outside_tuple |= _file_outside_tuple(tree)
        self.import_only = set(self.imports) - other_bound
        self.bound |= set(self.imports)

    def _table(self, t, top, other_bound):
        for s in t.get_symbols():
            n = s.get_name()
            if top:
                if s.is_assigned():
                    self.bound.add(n)
                    other_bound.add(n)
                elif s.is_referenced() and not s.is_imported():
                    self.read.add(n)
            else:
                if s.is_declared_global() and s.is_assigned():
                    self.bound.add(n)
                    other_bound.add(n)
                elif s.is_global() and s.is_referenced():
                    self.read.add(n)
        for child in t.get_children():
            self._table(child, False, other_bound)

    def names(self):
        return self.bound | self.read | self.metavars


def _file_outside_tuple(tree):
    """Is some `.file` attribute read anywhere but as a tuple element?"""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple):
            inside.update(id(e) for e in node.elts)
    return any(isinstance(n, ast.Attribute) and n.attr == "file" and id(n) not in inside
               for n in ast.walk(tree))


def check_python(files):
    """Refuse files whose Python could meet in the shared interpreter."""
    names = [PyNames(rf) for rf in files]
    for k, (rf, pn) in enumerate(zip(files, names)):
        if "exit" in pn.attrs:
            rf.refuse("cocci.exit() would end the later rules of the file too")
        if k == 0:
            continue
        if pn.read & _IO or pn.modules - _SAFE_MODULES:
            rf.refuse("Python that reads or writes files runs only in the "
                      "first file of a batch: "
                      + ", ".join(sorted((pn.read & _IO) | (pn.modules - _SAFE_MODULES))))
        if pn.file_outside_tuple:
            rf.refuse("a position's .file is read other than as a key "
                      "(a later file sees spatch's reparsed copy)")
    for i in range(len(files)):
        for j in range(i + 1, len(files)):
            a, b = names[i], names[j]
            for n in sorted(a.names() & b.names()):
                if n not in a.bound | a.metavars and n not in b.bound | b.metavars:
                    continue          # both only read it (a builtin)
                if n in a.metavars - a.bound and n in b.metavars - b.bound:
                    continue          # set afresh before each script
                if n in a.import_only and n in b.import_only and \
                        a.imports[n] == b.imports[n] and n not in a.metavars | b.metavars:
                    continue          # the same module
                raise Refused(f"{files[i].path} and {files[j].path} share the "
                              f"Python name {n!r}")


def combine(paths, texts=None):
    """(text, origins) of one SmPL file running PATHS in order.

    ORIGINS maps a line of the text back: a list of (first line, path,
    offset) so that line L of the text is line L - offset of path.
    Raises Refused when the files cannot be batched with certainty."""
    if len(paths) < 2:
        raise Refused("one file")
    files = []
    for k, p in enumerate(paths):
        text = texts[k] if texts else open(p, encoding="utf-8").read()
        files.append(RuleFile(p, text))
    opts = {rf.options for rf in files}
    if len(opts) > 1:
        raise Refused("the files ask for different // Options: " +
                      " / ".join(sorted(o or "(none)" for o in opts)))
    if len({frozenset(rf.virtuals) for rf in files}) > 1:
        raise Refused("the files declare different virtual rules")
    bodies = [rf.renamed(f"r{k}_") for k, rf in enumerate(files, 1)]
    check_python(files)
    virtuals = []
    for rf in files:
        virtuals += [v for v in rf.virtuals if v not in virtuals]
    head = ["// Generated by scripts/ipm/batch.py from, in this order:"]
    head += [f"//   {k}: {rf.path}" for k, rf in enumerate(files, 1)]
    head += ["// The named rules of file K are renamed rK_NAME.", ""]
    head += [f"virtual {v}" for v in virtuals]
    out, origins = head, []
    for k, (rf, body) in enumerate(zip(files, bodies), 1):
        out += ["", f"// ---- {k}: {rf.path}"]
        origins.append((len(out) + 1, rf.path, len(out)))
        out += body
    return "\n".join(out) + "\n", origins


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def where(origins, line):
    """'path:line' of line LINE of a combined text."""
    found = None
    for first, path, offset in origins:
        if line >= first:
            found = f"{path}:{line - offset}"
    return found


if __name__ == "__main__":
    try:
        sys.stdout.write(combine(sys.argv[1:])[0])
    except Refused as e:
        sys.exit(f"batch: {e}")
