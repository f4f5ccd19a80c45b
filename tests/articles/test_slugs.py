import pytest

from articles.slugs import pinyin_slug


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("雄安新区迎来首批疏解企业", "xiong-an-xin-qu-ying-lai-shou-pi-shu-jie-qi-ye"),
        (
            "京津冀商标有效注册量达478.92万件",
            "jing-jin-ji-shang-biao-you-xiao-zhu-ce-liang-da-478-92-wan-jian",
        ),
        ("IPv6 京津冀", "ipv6-jing-jin-ji"),
        ("PM2.5浓度下降", "pm2-5-nong-du-xia-jiang"),
        ("“一网通办”再扩容", "yi-wang-tong-ban-zai-kuo-rong"),
    ],
)
def test_pinyin_slug_reads_the_headline(headline, slug):
    """Chinese becomes toneless pinyin; Latin words and numbers survive, punctuation goes."""
    assert pinyin_slug(headline) == slug


@pytest.mark.parametrize("headline", ["", "！！！", "《》“”", "   "])
def test_pinyin_slug_is_never_empty(headline):
    """A headline with nothing to spell still gets a usable slug."""
    assert pinyin_slug(headline) == "article"


def test_pinyin_slug_cuts_at_a_syllable_boundary():
    """A long headline is shortened between syllables, never inside one."""
    slug = pinyin_slug("京津冀" * 40, max_length=30)
    assert len(slug) <= 30
    assert slug.split("-")[-1] in {"jing", "jin", "ji"}
