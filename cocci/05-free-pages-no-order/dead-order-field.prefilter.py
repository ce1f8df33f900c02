"""The files dead-order-field.cocci can change (its '// Prefilter: @computed';
see scripts/ipm/prefilter.py).

The rule removes the members of NAMES, which it computes from the whole
scope before matching, among the members read as the order argument of a
two-argument iommu_free_pages() call ("X->m" or "X.m").  It changes
nothing but such a free call, a store "X->m = V;" or designator
".m = V", and the member's declaration in its struct.  So the names that
end the second argument of such a call anywhere in the files are the
candidates, and a file is kept when it names one in one of those places."""

from ipm.csrc import call_args, matching, member_name

FREE = "iommu_free_pages"


def keep(texts, files):
    """The FILES that name a candidate member where the rule changes code."""
    names = freed_members(texts, files)
    return [rel for rel in files if changes(texts, rel, names)]


def freed_members(texts, files):
    """Names of the members read as the order of a two-argument free call."""
    names = set()
    for rel in files:
        if FREE not in texts.idents(rel):
            continue
        toks = texts.tokens(rel)
        for j in calls(toks, FREE):
            args = call_args(toks, j)
            if len(args) == 2:
                name = member_name(toks, *args[1])
                if name:
                    names.add(name)
    return names


def changes(texts, rel, names):
    """Can the rule change REL for one of NAMES?  Any file with a free call
    can; another one if it stores into such a member or declares it in a
    struct or union body."""
    ids = texts.idents(rel)
    found = ids & names
    if not found:
        return False
    if FREE in ids:
        return True
    toks = texts.tokens(rel)
    return stores(toks, found) or declares(toks, found)


def calls(toks, name):
    """Indexes of the tokens NAME that are followed by '('."""
    return [j for j in range(len(toks) - 1)
            if toks[j].text == name and toks[j + 1].text == "("]


def stores(toks, names):
    """Is one of NAMES a member assigned with '=' (X->m = V, .m = V)?"""
    return any(toks[j].text in ("->", ".") and toks[j + 1].text in names and
               toks[j + 2].text == "="
               for j in range(len(toks) - 2))


def declares(toks, names):
    """Does one of NAMES appear in the body of a struct or union?"""
    for j in range(len(toks) - 1):
        if toks[j].text not in ("struct", "union"):
            continue
        k = j + 2 if toks[j + 1].ident and j + 2 < len(toks) else j + 1
        if toks[k].text == "{" and any(
                t.text in names for t in toks[k + 1:matching(toks, k)]):
            return True
    return False
