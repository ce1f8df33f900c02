"""Just enough knowledge of kernel-style C to name the function of a line."""

import functools
import re

_IDENT_BEFORE_PAREN = re.compile(r"([A-Za-z_]\w*)\s*\(")


def function_at(lines, lineno):
    """Name of the function whose body holds line LINENO (1-based).

    Kernel style opens and closes a function body with a brace in column 0;
    the name is the last identifier before '(' in the lines above the
    opening brace.  Returns '<file scope>' outside a function."""
    i = lineno - 1
    while i >= 0:
        line = lines[i]
        if line.startswith("}") and i != lineno - 1:
            return "<file scope>"
        if line.startswith("{"):
            head = " ".join(lines[max(0, i - 6):i])
            head = re.split(r"[;}]|#\s*define", head)[-1]
            names = _IDENT_BEFORE_PAREN.findall(head)
            names = [n for n in names if n not in ("__attribute__", "__aligned")]
            return names[0] if names else "<file scope>"
        i -= 1
    return "<file scope>"


# Cached by the text: each step of an apply asks again for the files the
# step before left as they were.
@functools.lru_cache(maxsize=256)
def strip_comments(text):
    """Blank out comments and string literals, keeping line numbers."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', blank, text,
                  flags=re.S)


# ---------------------------------------------------------------------------
# A token stream and statement segmentation for kernel-style C, used by the
# checker.  No preprocessing: directives are cut out and tokenised on their
# own; function bodies are found the way function_at() finds them (braces
# in column 0), which kernel style guarantees.

_CODE_NOISE = re.compile(
    r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)

_TOKEN = re.compile(r"""
    (?P<id>[A-Za-z_]\w*)
  | (?P<num>\.?\d(?:[\w.]|[eEpP][-+])*)
  | (?P<op>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=
          |\.\.\.|\#\#|[^\s\w])
""", re.X)

KEYWORDS = frozenset("""
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef typeof union unsigned void volatile
    while _Bool __typeof__ __attribute__ __always_inline bool
""".split())


class Token:
    """One token: its text, 1-based line and 0-based column."""
    __slots__ = ("text", "line", "col", "ident")

    def __init__(self, text, line, col, ident):
        self.text, self.line, self.col, self.ident = text, line, col, ident

    def __repr__(self):
        return f"{self.text}@{self.line}"


def blank_code(text):
    """Blank comments, string and character literals, keeping lines."""
    return _CODE_NOISE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def split_directives(text):
    """Cut preprocessor directives (with their continuation lines) out of
    TEXT.  Returns (code, directives): code has the directive lines blanked,
    directives is a list of (first line number, directive text)."""
    lines = text.split("\n")
    out, directives = [], []
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith("#"):
            first = i
            body = [lines[i]]
            while lines[i].endswith("\\") and i + 1 < len(lines):
                i += 1
                body.append(lines[i])
            directives.append((first + 1, "\n".join(
                b[:-1] if b.endswith("\\") else b for b in body)))
            out.extend("" for _ in body)
        else:
            out.append(lines[i])
        i += 1
    return "\n".join(out), directives


def tokenize(text, first_line=1):
    """Tokens of TEXT (already blanked); line numbers start at FIRST_LINE."""
    toks = []
    line, line_start = first_line, 0
    pos = 0
    for m in _TOKEN.finditer(text):
        nl = text.count("\n", pos, m.start())
        if nl:
            line += nl
            line_start = text.rfind("\n", 0, m.start()) + 1
        pos = m.start()
        toks.append(Token(m.group(0), line, m.start() - line_start,
                          m.lastgroup == "id"))
    return toks


def matching(toks, i, lo=0, hi=None):
    """Index of the bracket closing the one at TOKS[i] (or HI if unclosed)."""
    hi = len(toks) if hi is None else hi
    pairs = {"(": ")", "[": "]", "{": "}"}
    want = pairs[toks[i].text]
    opening = toks[i].text
    depth = 0
    for j in range(i, hi):
        t = toks[j].text
        if t == opening:
            depth += 1
        elif t == want:
            depth -= 1
            if depth == 0:
                return j
    return hi


def split_args(toks, lo, hi):
    """Split TOKS[lo:hi] at top-level commas: a list of (start, end)."""
    out, depth, start = [], 0, lo
    for j in range(lo, hi):
        t = toks[j].text
        if t in "([{":
            depth += 1
        elif t in ")]}":
            depth -= 1
        elif t == "," and depth == 0:
            out.append((start, j))
            start = j + 1
    if start < hi or out:
        out.append((start, hi))
    return out


def call_args(toks, j):
    """(start, end) of each top-level argument of the call whose name is
    TOKS[j] and whose '(' is TOKS[j + 1]; [] for an empty list."""
    return split_args(toks, j + 2, matching(toks, j + 1))


def member_name(toks, lo, hi):
    """NAME when TOKS[lo:hi] ends with a member access '->NAME' or '.NAME',
    else None."""
    if hi - lo >= 2 and toks[hi - 2].text in ("->", ".") and toks[hi - 1].ident:
        return toks[hi - 1].text
    return None


class Segment:
    """A statement-sized run of tokens and where it sits.

    role is 'body' (statement in a function body), 'header' (return type and
    name of a function definition), 'param' (one parameter of it), 'member'
    (declaration inside a struct/union at file scope), 'file' (other file
    scope text: globals, prototypes, initialisers) or 'macro' (a #define)."""
    __slots__ = ("toks", "role", "owner", "scope", "cache")

    def __init__(self, toks, role, owner, scope):
        self.toks, self.role, self.owner, self.scope = toks, role, owner, scope
        self.cache = {}

    @property
    def line(self):
        return self.toks[0].line if self.toks else 0


class Scope:
    """Names declared in one function (or macro): parameters and locals."""

    def __init__(self, name):
        self.name = name
        self.params = []        # parameter names, in order
        self.types = {}         # name -> base type name ('page', 'u32', ...)
        self.locals = set()


_ATTRS = frozenset({"__attribute__", "__aligned", "__printf", "__acquires",
                    "__releases", "__must_hold", "__section", "__cold",
                    "__malloc", "__alloc_size"})
_QUALIFIERS = frozenset("""
    static extern const volatile register inline __always_inline
    __maybe_unused __read_mostly __ro_after_init __init __exit __initdata
    __initconst __percpu __iomem __rcu __user __force __must_check noinline
    __packed __weak unsigned signed long short __noreturn
""".split())
_INTLIKE = frozenset({"unsigned", "signed", "long", "short"})
_NOT_TYPES = frozenset("""
    return goto case else do if while for switch break continue sizeof
    typeof default
""".split())


def function_name(toks):
    """Index of the name in a function header (first IDENT '(' that is not
    an attribute), or None."""
    for j in range(len(toks) - 1):
        if toks[j].ident and toks[j + 1].text == "(" and \
                toks[j].text not in _ATTRS and toks[j].text not in KEYWORDS:
            return j
    return None


def _one_line_function(cur):
    """A file-scope header 'static inline int f(...) {' (brace not in
    column 0): a name, its parameter list, and nothing but attributes."""
    if any(x.text == "=" for x in cur) or cur[0].text in ("typedef", "enum"):
        return False
    k = function_name(cur)
    if k is None:
        return False
    close = matching(cur, k + 1)
    rest = cur[close + 1:]
    return all(x.ident and x.text in _ATTRS or x.text in "()" or x.ident
               for x in rest) and not any(x.text in ("struct", "union") for x in rest)


def parse_decl(toks, lo=0, hi=None):
    """Declarations in TOKS[lo:hi]: a list of (name, base type, stars,
    name index, init (start, end) or None, is_function), or [] when the
    tokens are not a declaration.  'LIST_HEAD(x)' declares x a list_head."""
    hi = len(toks) if hi is None else hi
    i = lo
    intlike = False
    while i < hi and (toks[i].text in _QUALIFIERS or toks[i].text in _ATTRS):
        if toks[i].text in _ATTRS and i + 1 < hi and toks[i + 1].text == "(":
            i = matching(toks, i + 1, lo, hi)
        elif toks[i].text in _INTLIKE:
            intlike = True
        i += 1
    if i >= hi:
        return []
    t = toks[i]
    if t.text == "LIST_HEAD" and i + 2 < hi and toks[i + 1].text == "(" \
            and toks[i + 2].ident:
        return [(toks[i + 2].text, "list_head", 0, i + 2, None, False)]
    if t.text in ("struct", "union", "enum") and i + 1 < hi and toks[i + 1].ident:
        base = toks[i + 1].text
        i += 2
    elif intlike and (t.text == "*" or (t.ident and (
            i + 1 >= hi or toks[i + 1].text in ("=", ",", "[", ":", ")")))):
        base = "int"
    elif t.ident and t.text not in _NOT_TYPES:
        base = t.text
        i += 1
        if i >= hi or not (toks[i].ident or toks[i].text == "*"):
            return []
        if toks[i].ident and toks[i].text in _NOT_TYPES:
            return []
    else:
        return []
    out = []
    for s, e in split_args(toks, i, hi):
        stars = 0
        k = s
        while k < e and (toks[k].text == "*" or toks[k].text in _QUALIFIERS
                         or toks[k].text in _ATTRS):
            stars += toks[k].text == "*"
            k += 1
        if k >= e:
            continue
        if toks[k].text == "(":
            # function pointer: (*name)(...)
            m = k + 1
            while m < e and toks[m].text == "*":
                m += 1
            if m < e and toks[m].ident:
                out.append((toks[m].text, base, stars + 1, m, None, False))
            continue
        if not toks[k].ident or toks[k].text in KEYWORDS:
            return out
        nxt = toks[k + 1].text if k + 1 < e else ""
        if nxt not in ("", "=", "[", "(", ":") and not toks[k + 1].ident:
            return out
        out.append((toks[k].text, base, stars, k, _init(toks, k + 1, e),
                    nxt == "("))
    return out


def _init(toks, i, hi):
    """(start, end) of the initialiser after a declarator, if any."""
    depth = 0
    for j in range(i, hi):
        t = toks[j].text
        if t in "([":
            depth += 1
        elif t in ")]":
            depth -= 1
        elif t == "=" and depth == 0:
            return (j + 1, hi)
    return None


class Unit:
    """A C file cut into segments, with the names each scope declares."""

    def __init__(self, text):
        code, directives = split_directives(blank_code(text))
        self.lines = text.split("\n")
        self.segments = []
        self.scopes = {}        # function name -> Scope
        self.globals = {}       # file-scope variable -> base type
        self.members = {}       # member name -> base type (any struct here)
        self.struct_members = {}  # struct name -> {member: base type}
        self._parse(tokenize(code))
        for line, d in directives:
            self._directive(line, d)

    def _scope(self, name):
        if name not in self.scopes:
            self.scopes[name] = Scope(name)
        return self.scopes[name]

    def _emit(self, toks, role, owner, scope):
        if toks:
            self.segments.append(Segment(toks, role, owner, scope))

    def _parse(self, toks):
        cur, stack = [], []
        scope = None
        depth = 0               # ( and [ nesting inside the statement
        for tok in toks:
            t = tok.text
            if t in "([":
                depth += 1
            elif t in ")]":
                depth = max(0, depth - 1)
            if depth and t not in "([":
                cur.append(tok)
                continue
            if t == "{":
                if scope is None and any(x.text == "(" for x in cur) and (
                        tok.col == 0 or (not stack and _one_line_function(cur))):
                    scope = self._header(cur)
                    stack = ["func"]
                elif scope is not None:
                    self._stmt(cur, scope)
                    stack.append("block")
                else:
                    stack.append(self._open_label(cur, stack))
                    self._file_stmt(cur, stack[:-1])
                cur = []
                continue
            if t == "}":
                if scope is not None:
                    self._stmt(cur, scope)
                    if stack:
                        stack.pop()
                    if tok.col == 0 or not stack:
                        scope, stack = None, []
                else:
                    self._file_stmt(cur, stack)
                    if stack:
                        stack.pop()
                cur = []
                continue
            if t == ";" and depth == 0:
                if scope is not None:
                    self._stmt(cur, scope)
                else:
                    self._file_stmt(cur, stack)
                cur = []
                continue
            cur.append(tok)
        if cur:
            self._file_stmt(cur, stack)

    @staticmethod
    def _open_label(cur, stack):
        """What a file-scope '{' opens: ('struct', NAME) or 'init'."""
        texts = [x.text for x in cur]
        if "=" in texts:
            return "init"
        for j, x in enumerate(texts):
            if x in ("struct", "union") and j + 1 < len(texts) and cur[j + 1].ident:
                return ("struct", cur[j + 1].text)
        for lab in reversed(stack):
            if isinstance(lab, tuple):
                return lab      # anonymous struct/union inside a struct
        return "init" if texts else "block"

    def _header(self, cur):
        k = function_name(cur)
        name = cur[k].text if k is not None else "<file scope>"
        scope = self._scope(name)
        if k is None:
            self._emit(cur, "header", name, scope)
            return scope
        self._emit(cur[:k + 1], "header", name, scope)
        close = matching(cur, k + 1)
        for s, e in split_args(cur, k + 2, close):
            decl = parse_decl(cur, s, e)
            if decl:
                pname, base, _stars, _i, _init_, _f = decl[0]
                if pname not in scope.params:
                    scope.params.append(pname)
                scope.types[pname] = base
            self._emit(cur[s:e], "param", name, scope)
        if close + 1 < len(cur):
            self._emit(cur[close + 1:], "header", name, scope)
        return scope

    def _stmt(self, cur, scope):
        if not cur:
            return
        for name, base, _stars, _i, _init_, isfunc in parse_decl(cur):
            if not isfunc:
                scope.locals.add(name)
                scope.types[name] = base
        self._emit(cur, "body", scope.name, scope)

    def _file_stmt(self, cur, stack):
        if not cur:
            return
        struct = next((lab for lab in reversed(stack) if isinstance(lab, tuple)), None)
        if struct is not None and "init" not in stack:
            members = self.struct_members.setdefault(struct[1], {})
            for name, base, _stars, _i, _init_, _f in parse_decl(cur):
                members[name] = base
                self.members.setdefault(name, base)
            self._emit(cur, "member", f"struct {struct[1]}", None)
            return
        owner = "<file scope>"
        if not stack:
            for name, base, _stars, _i, _init_, isfunc in parse_decl(cur):
                if isfunc:
                    owner = name        # a prototype is named by its function
                else:
                    self.globals[name] = base
        self._emit(cur, "file", owner, None)

    def _directive(self, line, text):
        m = re.match(r"\s*#\s*define\s+([A-Za-z_]\w*)(\(([^)]*)\))?", text)
        if not m:
            return
        name = m.group(1)
        scope = Scope(f"#define {name}")
        if m.group(3):
            scope.params = [p.strip() for p in m.group(3).split(",") if p.strip()]
            scope.locals.update(scope.params)
        toks = tokenize(text[m.end():], line)
        head = tokenize(text[:m.end()], line)
        # the macro name is kept as the first token so that definitions of
        # old API names as macros are seen
        name_tok = next(t for t in head if t.text == name)
        self._emit([name_tok] + toks, "macro", scope.name, scope)
