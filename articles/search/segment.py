"""Chinese word segmentation for search: rjieba (jieba in Rust) in search mode, with the desk's
own words (regions and their aliases, themes and their keywords) kept whole.

Documents and queries go through the same segmenter and dictionary. A document becomes every
search-mode word (知识产权局 → 知识, 产权, 产权局, 知识产权局) plus any desk word inside one
(知识产权); a query keeps desk words whole (知识产权, 京津冀, 雄安新区) and splits other compounds
into their smallest search-mode words, ANDed, so a word inside a longer compound is found.
"""

import hashlib
import re
import threading
import unicodedata

import rjieba

from articles.text import HAN_CHAR

_lock = threading.Lock()
_state: dict = {"jieba": None, "fingerprint": "", "words": frozenset(), "longest": 0}

_WORD = re.compile(r"[^\W_]", re.UNICODE)  # a letter, digit or Han character
_TAG = re.compile(r"<[^>]*>")


def desk_words() -> list[str]:
    """Region names and aliases, theme names and keywords: words that must stay whole."""
    from regions.models import Region, Theme

    words = set()
    for name, extra in Region.objects.values_list("name", "aliases"):
        words.add(re.sub(r"（.*?）", "", name))
        words.update(_split(extra))
    for name, extra in Theme.objects.values_list("name", "keywords"):
        words.add(name)
        words.update(_split(extra))
    return sorted(w for w in words if len(w) >= 2 and HAN_CHAR.search(w))


def _split(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"[\n,，、]", text or "") if w.strip()]


def segmenter():
    """The jieba segmenter with the desk's words (region names and aliases, theme names and
    keywords) in its dictionary, loaded once per process; the print-page parser uses it too."""
    if _state["jieba"] is None:
        with _lock:
            if _state["jieba"] is None:
                jieba = rjieba.Jieba()
                words = desk_words()
                for word in words:
                    jieba.add_word(word, None, None)
                _state["fingerprint"] = hashlib.sha1("\n".join(words).encode()).hexdigest()[:12]
                _state["words"] = frozenset(words)
                _state["longest"] = max((len(w) for w in words), default=0)
                _state["jieba"] = jieba
    return _state["jieba"]


def reset() -> None:
    """Forget the loaded dictionary (after regions or themes change)."""
    with _lock:
        _state["jieba"] = None


def fingerprint() -> str:
    """Identifies the dictionary the index was built with; a change means re-index."""
    segmenter()
    return _state["fingerprint"]


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case, tags out."""
    return unicodedata.normalize("NFKC", _TAG.sub(" ", text or "")).lower()


def _is_word(token: str) -> bool:
    return bool(_WORD.search(token))


def _desk_words_inside(token: str) -> list[str]:
    """Desk words strictly inside a longer token: 知识产权局 → 知识产权."""
    words, longest, found = _state["words"], _state["longest"], []
    for size in range(min(len(token) - 1, longest), 1, -1):
        for start in range(len(token) - size + 1):
            piece = token[start : start + size]
            if piece in words:
                found.append(piece)
    return found


def document_words(text: str) -> list[str]:
    """Every search-mode word of a document, in order (duplicates kept: they count for rank)."""
    out = []
    for token in segmenter().cut_for_search(normalise(text)):
        if _is_word(token) and len(token.encode()) < 2048:  # PostgreSQL's longest lexeme
            out.append(token)
            if len(token) > 2 and HAN_CHAR.search(token):
                out.extend(_desk_words_inside(token))
    return out


def _smallest(word: str) -> list[str]:
    tokens = [t for t in segmenter().cut_for_search(word) if _is_word(t)]
    return [
        t for t in tokens if not any(o != t and o in t and HAN_CHAR.search(o) for o in tokens)
    ] or [word]


def query_terms(text: str) -> list[str]:
    """The words a query must all match, without duplicates, in order.

    Desk words stay whole; other Chinese compounds become their smallest search-mode words;
    Latin words and numbers stay whole (ipv6, 478.92, pm2.5), as the index holds them.
    """
    jieba = segmenter()
    terms: list[str] = []
    for chunk in normalise(text).split():
        for word in jieba.cut(chunk):
            if not _is_word(word):
                continue
            if word in _state["words"] or not HAN_CHAR.search(word):
                pieces = [word]
            else:
                pieces = _smallest(word)
            for piece in pieces:
                if piece not in terms:
                    terms.append(piece)
    return terms
