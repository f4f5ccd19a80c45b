import pytest

from articles.search import segment
from regions.models import Region, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_dictionary():
    """Each test loads the dictionary from its own database (regions and themes as migrated)."""
    segment.reset()
    yield
    segment.reset()


# --- query_terms ------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["知识产权", "京津冀", "雄安新区", "先进制造业", "跨省通办"])
def test_desk_words_stay_whole_in_a_query(word):
    """A region, alias, theme or keyword typed as a query is one term, not its pieces."""
    assert segment.query_terms(word) == [word]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("人才协同发展", ["人才", "协同", "发展"]),
        ("协同发展机会清单", ["协同", "发展", "机会", "清单"]),
        ("知识产权局", ["知识", "产权"]),
        ("冬奥遗产", ["冬奥", "遗产"]),
    ],
)
def test_other_compounds_become_their_smallest_words(query, terms):
    """A compound the desk does not know is split into its smallest search-mode words."""
    assert segment.query_terms(query) == terms


def test_a_desk_word_inside_a_sentence_stays_whole():
    """Desk words keep their shape among other words in the same query."""
    assert segment.query_terms("京津冀知识产权人才智库") == ["京津冀", "知识产权", "人才", "智库"]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("IPv6", ["ipv6"]),
        ("478.92", ["478.92"]),
        ("PM2.5", ["pm2.5"]),
        ("Ｐｍ２.５", ["pm2.5"]),
        ("ＩＰｖ６", ["ipv6"]),
    ],
)
def test_latin_words_and_numbers_stay_whole_in_lower_case(query, terms):
    """Latin words and decimals are one term, lower-cased, full-width folded to ASCII."""
    assert segment.query_terms(query) == terms


def test_a_number_with_a_chinese_unit_keeps_the_number_whole():
    """478.92万件 keeps 478.92 as one term rather than splitting at the decimal point."""
    terms = segment.query_terms("478.92万件")
    assert terms[0] == "478.92"
    assert "478" not in terms and "92" not in terms


def test_a_mixed_query_keeps_latin_and_desk_words():
    """IPv6 京津冀 gives the Latin word and the desk word, in the order typed."""
    assert segment.query_terms("IPv6 京津冀") == ["ipv6", "京津冀"]


@pytest.mark.parametrize("query", ["，。！？", "……", "!!!", "& | ! : * ( ) '", "——《》“”", "\\"])
def test_punctuation_only_gives_no_terms(query):
    """A query of punctuation alone has nothing to search for."""
    assert segment.query_terms(query) == []


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\u3000\u3000"])
def test_whitespace_only_gives_no_terms(query):
    """Blank queries, ideographic spaces included, have nothing to search for."""
    assert segment.query_terms(query) == []


def test_tags_in_a_query_are_not_terms():
    """Markup typed into the box is dropped; only the words between tags remain."""
    assert segment.query_terms("<b>雄安</b>") == ["雄安"]


@pytest.mark.parametrize(
    "query", ["京津冀 京津冀 京津冀", "商标 商标注册 商标", "PM2.5 pm2.5 Ｐｍ２.５"]
)
def test_query_terms_have_no_duplicates(query):
    """A word typed twice (in any case or width) is one term."""
    terms = segment.query_terms(query)
    assert terms
    assert len(terms) == len(set(terms))


# --- document_words ---------------------------------------------------------------------------


def test_document_words_include_the_sub_words_of_a_compound():
    """知识产权局 is stored with its parts, so 知识 and 产权 find it."""
    words = segment.document_words("知识产权局")
    assert {"知识产权局", "知识", "产权"} <= set(words)


def test_document_words_include_a_desk_word_inside_a_longer_token():
    """知识产权局 also stores 知识产权, so a query for the theme finds the bureau."""
    assert "知识产权" in segment.document_words("北京市知识产权局发布通知")


def test_document_words_keep_latin_words_whole_and_lower_case():
    """IPv6 and PM2.5 in a story are stored as ipv6 and pm2.5, as queries ask for them."""
    words = segment.document_words("园区提供IPv6接入，PM2.5浓度下降，商标达478.92万件")
    assert {"ipv6", "pm2.5", "478.92"} <= set(words)


def test_document_words_keep_duplicates():
    """A word used twice is stored twice (it counts for rank)."""
    assert segment.document_words("雄安 雄安").count("雄安") == 2


def test_document_words_leave_out_markup_and_punctuation():
    """Tags and punctuation are not words."""
    words = segment.document_words("<p class='x'>雄安，新区！</p>")
    assert "p" not in words and "class" not in words
    assert not any(w in words for w in ("，", "！", "<", ">"))


# --- the dictionary ---------------------------------------------------------------------------


def test_fingerprint_is_stable_while_the_desk_words_stay_the_same():
    """Reloading an unchanged dictionary gives the same fingerprint."""
    first = segment.fingerprint()
    segment.reset()
    assert segment.fingerprint() == first


def test_fingerprint_changes_when_a_theme_is_added():
    """A new theme changes the dictionary, so the index must be rebuilt."""
    before = segment.fingerprint()
    Theme.objects.create(name="冬奥遗产", slug="dongao-yichan", keywords="冰雪季开板")
    segment.reset()
    assert segment.fingerprint() != before


def test_a_new_theme_keyword_stays_whole_after_reset():
    """Once the dictionary is reloaded, a new keyword is one query term."""
    assert segment.query_terms("冬奥遗产") == ["冬奥", "遗产"]
    Theme.objects.create(name="冬奥遗产", slug="dongao-yichan")
    segment.reset()
    assert segment.query_terms("冬奥遗产") == ["冬奥遗产"]


def test_a_new_region_alias_changes_the_fingerprint():
    """Editing a region's aliases is a dictionary change too."""
    before = segment.fingerprint()
    Region.objects.filter(slug="fengtai").update(aliases="丰台\n丽泽\n丽泽金融商务区")
    segment.reset()
    assert segment.fingerprint() != before
    assert segment.query_terms("丽泽金融商务区") == ["丽泽金融商务区"]
