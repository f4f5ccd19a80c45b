"""Three-way merge of an article edit: the *base* the form was opened at, *theirs* (the row as
it is now) and *mine* (the form as submitted).

A field changed by one side only takes that side's value; a field both sides changed to
different values is a conflict for the user to resolve. Tags, regions and themes merge as
sets; bylines as a set of (author, role) in order. Pure functions over `ArticleState`: no
database, so every interleaving can be tested directly.
"""

from dataclasses import dataclass, field, replace

from articles.models import EDITABLE_FIELDS

# The scalar fields an edit carries, lead image included (by its stored file name; a new
# upload is a value of its own that equals nothing stored).
SCALAR_FIELDS = tuple(EDITABLE_FIELDS)
SET_FIELDS = ("tags", "regions", "themes")


@dataclass(frozen=True)
class ArticleState:
    """What an edit can change, as comparable values: scalar fields by value (the section by
    its id, the lead image by its file name), tags by name, regions and themes by id, bylines
    as (author id, role) in order."""

    values: dict = field(default_factory=dict)
    tags: frozenset = frozenset()
    regions: frozenset = frozenset()
    themes: frozenset = frozenset()
    bylines: tuple = ()

    def get(self, name: str):
        if name in SET_FIELDS or name == "bylines":
            return getattr(self, name)
        return self.values.get(name)


@dataclass(frozen=True)
class MergeResult:
    state: ArticleState  # what the article should hold after the save
    conflicts: tuple  # field names both sides changed differently
    mine: frozenset  # fields the user changed
    theirs: frozenset  # fields someone else changed since the base, taken into the result


def _same(a, b) -> bool:
    return _comparable(a) == _comparable(b)


def _comparable(value):
    """Form text arrives with Windows line ends from browsers; the stored text has none."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return value


def _merge_set(base: frozenset, theirs: frozenset, mine: frozenset) -> frozenset:
    return (theirs | (mine - base)) - (base - mine)


def _merge_bylines(base: tuple, theirs: tuple, mine: tuple) -> tuple:
    """Only one side changed them: that side's list, order and all. Both did: theirs in their
    order without what I removed, then what I added in my order."""
    if mine == base:
        return theirs
    if theirs == base or theirs == mine:
        return mine
    removed = set(base) - set(mine)
    kept = [b for b in theirs if b not in removed]
    return tuple(kept + [b for b in mine if b not in set(base) and b not in kept])


def merge(base: ArticleState, theirs: ArticleState, mine: ArticleState) -> MergeResult:
    values, conflicts, changed_mine, changed_theirs = {}, [], set(), set()
    for name in SCALAR_FIELDS:
        b, t, m = base.values.get(name), theirs.values.get(name), mine.values.get(name)
        mine_changed, theirs_changed = not _same(m, b), not _same(t, b)
        if mine_changed:
            changed_mine.add(name)
        if theirs_changed:
            changed_theirs.add(name)
        if not mine_changed:
            values[name] = t
        elif not theirs_changed or _same(m, t):
            values[name] = m
        else:
            values[name] = m  # provisional: the user chooses
            conflicts.append(name)
    sets = {}
    for name in SET_FIELDS:
        b, t, m = getattr(base, name), getattr(theirs, name), getattr(mine, name)
        if m != b:
            changed_mine.add(name)
        if t != b:
            changed_theirs.add(name)
        sets[name] = _merge_set(b, t, m)
    if mine.bylines != base.bylines:
        changed_mine.add("bylines")
    if theirs.bylines != base.bylines:
        changed_theirs.add("bylines")
    state = replace(
        theirs, values=values, bylines=_merge_bylines(base.bylines, theirs.bylines, mine.bylines)
    )
    state = replace(state, **sets)
    return MergeResult(
        state=state,
        conflicts=tuple(conflicts),
        mine=frozenset(changed_mine),
        theirs=frozenset(changed_theirs - set(conflicts)),
    )
