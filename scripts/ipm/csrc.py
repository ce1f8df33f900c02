"""Just enough knowledge of kernel-style C to name the function of a line."""

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


def strip_comments(text):
    """Blank out comments and string literals, keeping line numbers."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', blank, text,
                  flags=re.S)
