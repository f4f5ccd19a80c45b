import reversion
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from newsroom.pagecache.tags import depends_on

from .html import body_text
from .slugs import pinyin_slug, unique_slug

# What an edit may change: the edit form's fields and the locked UPDATE's columns. Never
# status or publication time, which only the workflow steps set.
EDITABLE_FIELDS = [
    "kicker",
    "headline",
    "deck",
    "slug",
    "summary",
    "body",
    "source_line",
    "dateline",
    "section",
    "lead_image",
    "lead_image_caption",
    "lead_image_credit",
]

# The longest body the desk takes, counted in characters of its text as readers read it
# (tags and whitespace not counted; a long feature runs to about 10,000). Past it the change
# page, the version diff and the tagging suggestions would spend too long on one story, and
# a story that long is better run as several.
BODY_MAX_CHARS = 50_000


def body_length(html: str) -> int:
    """The body's length as BODY_MAX_CHARS counts it: its text without tags or whitespace."""
    return len("".join(body_text(html).split()))


def validate_body_length(html: str) -> None:
    length = body_length(html)
    if length > BODY_MAX_CHARS:
        raise ValidationError(
            "正文过长：%(length)s 字，上限 %(limit)s 字；请拆分为多篇稿件。",
            code="body_too_long",
            params={"length": length, "limit": BODY_MAX_CHARS},
        )


class Section(models.Model):
    name = models.CharField("名称", max_length=30, unique=True, help_text="例如：协同发展")
    slug = models.SlugField("网址名", max_length=60, unique=True, help_text="拼音，例如：xietong")
    description = models.TextField("简介", blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField("姓名", max_length=50, help_text="例如：雷嘉")
    slug = models.SlugField(
        "网址名",
        max_length=60,
        unique=True,
        blank=True,
        help_text="留空则由姓名生成拼音，重名时加数字，例如：雷嘉 → leijia",
    )
    bio = models.TextField("简介", blank=True, help_text="一两句话，显示在作者页")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="后台账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )

    class Meta:
        verbose_name = "作者"
        verbose_name_plural = "作者"
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            base = pinyin_slug(self.name, max_length=50, fallback="author").replace("-", "")
            self.slug = unique_slug(Author, base, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class PrintPage(models.Model):
    """One page of the print edition as OCR text, kept whole: the drafts made from it link here."""

    print_date = models.DateField("见报日期")
    page = models.PositiveSmallIntegerField("版次", default=1)
    section = models.ForeignKey(
        Section, verbose_name="栏目", null=True, blank=True, on_delete=models.SET_NULL
    )
    source_text = models.TextField("原文")
    content_hash = models.CharField("内容指纹", max_length=64, unique=True)
    report = models.JSONField("导入报告", default=dict, blank=True)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "报纸版面"
        verbose_name_plural = "报纸版面"
        ordering = ["-print_date", "page"]
        permissions = [("import_printpage", "可导入报纸版面")]

    def __str__(self):
        return f"{self.print_date:%Y-%m-%d} 第{self.page}版"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule: published status and a publication time not in the future."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Published for a time still ahead: readers see them when that time comes."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    # Narrowing to a list declares the list's tag (newsroom/pagecache/tags.py): a page made from
    # it is made again when a story joins or leaves the list, or changes in it.

    def listed(self):
        """Every published story's list, newest first: the home page and the site's feed."""
        depends_on("list:latest")
        return self

    def in_section(self, section):
        depends_on(f"list:section:{section.pk}")
        return self.filter(section=section)

    def with_theme(self, theme):
        depends_on(f"list:theme:{theme.pk}")
        return self.filter(themes=theme)

    def for_listing(self):
        """What a card in any list needs, fetched in a fixed number of queries."""
        return self.select_related("section").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def in_region(self, region):
        """Stories tagged with the region or any region below it (EXISTS: no duplicates)."""
        from regions.models import Region

        depends_on(f"list:region:{region.pk}")
        ids = Region.objects.descendant_ids(region)
        through = Article.regions.through
        return self.filter(
            models.Exists(
                through.objects.filter(article_id=models.OuterRef("pk"), region_id__in=ids)
            )
        )

    def tagged(self, tag):
        """Stories carrying the tag (EXISTS, not a join: the planner may walk the newest stories
        and probe a common tag, or start from a rare tag's rows)."""
        depends_on(f"list:tag:{tag.pk}")
        return self.filter(
            models.Exists(
                TaggedArticle.objects.filter(content_object_id=models.OuterRef("pk"), tag=tag)
            )
        )

    def by_author(self, author):
        depends_on(f"list:author:{author.pk}")
        return self.filter(
            models.Exists(Byline.objects.filter(article_id=models.OuterRef("pk"), author=author))
        )


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    # taggit names rows by natural keys; in a portable backup (export_desk) a tagging is its
    # article's id and its tag's name, since tags are named, not numbered, there.
    natural_key_fields = ["content_object_id", "tag__name"]

    def natural_key(self):
        return (self.content_object_id, self.tag.name)

    natural_key.dependencies = ["articles.article", "taggit.tag"]

    class Meta:
        verbose_name = "稿件标签"
        verbose_name_plural = "稿件标签"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待审"
        APPROVED = "approved", "已通过待发布"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤稿"

    kicker = models.CharField("引题", max_length=120, blank=True, help_text="主题上方的短句")
    headline = models.CharField(
        "主题", max_length=120, help_text="标题，例如：京津冀商标有效注册量达478.92万件"
    )
    deck = models.CharField("副题", max_length=200, blank=True, help_text="主题下方的补充标题")
    slug = models.SlugField(
        "网址名",
        max_length=100,
        blank=True,
        help_text="留空则由主题生成拼音；改动后旧网址会自动跳转到新网址",
    )
    summary = models.TextField(
        "导语", blank=True, help_text="一两句话概括稿件，也用于列表和搜索摘要"
    )
    body = models.TextField(
        "正文",
        blank=True,
        help_text=(
            "HTML 正文：段落、小标题（h2、h3）、加粗、链接、引用、列表；保存时自动清理。"
            f"最长 {BODY_MAX_CHARS} 字（不计标记和空白）"
        ),
        validators=[validate_body_length],
    )
    source_line = models.CharField(
        "稿源", max_length=40, blank=True, help_text="例如：本报讯、新华社、本报记者"
    )
    dateline = models.CharField("电头地点", max_length=40, blank=True, help_text="例如：北京、雄安")
    section = models.ForeignKey(
        Section, verbose_name="栏目", on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Author, verbose_name="署名", through="Byline", related_name="articles", blank=True
    )
    tags = TaggableManager("标签", through=TaggedArticle, blank=True, help_text="用逗号分隔")
    regions = models.ManyToManyField(
        "regions.Region", verbose_name="地区", related_name="articles", blank=True
    )
    themes = models.ManyToManyField(
        "regions.Theme", verbose_name="主题分类", related_name="articles", blank=True
    )
    print_page = models.ForeignKey(
        PrintPage,
        verbose_name="来自版面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="由报纸版面导入时，指向保存原文的版面",
    )
    lead_image = models.ImageField("题图", upload_to="lead/%Y/%m/", blank=True)
    lead_image_caption = models.CharField("图片说明", max_length=300, blank=True)
    lead_image_credit = models.CharField(
        "图片署名", max_length=100, blank=True, help_text="例如：本报记者 高峰 摄"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "发布时间", null=True, blank=True, help_text="北京时间；设为将来的时间即定时发布"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic locking: every save checks and bumps it in the same UPDATE.
    lock_version = models.PositiveIntegerField("版本号", default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [
            ("submit_article", "可提交稿件送审"),
            ("review_article", "可审稿（退回、通过）"),
            ("publish_article", "可发布、定时发布稿件"),
            ("withdraw_article", "可撤稿"),
            ("correct_article", "可发布更正与更新"),
            ("share_preview", "可生成对外预览链接"),
        ]
        indexes = [
            # The readers' lists, newest first; with the id, a deep page's ids come from the
            # index alone.
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_pub_id"),
            models.Index(
                fields=["section", "status", "-published_at", "-id"], name="article_section_pub_id"
            ),
            # The admin's list, newest first over every status.
            models.Index(fields=["-published_at", "-id"], name="article_pub_id"),
            # A list's newest change is its newest row by updated_at: one index step, not an
            # aggregate over every story in the list (see articles/site/caching.py).
            models.Index(fields=["updated_at"], name="article_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="已发布的稿件必须有发布时间。",
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = pinyin_slug(self.headline)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        day = self.url_date
        return reverse(
            "articles:detail",
            kwargs={
                "year": day.year,
                "month": day.month,
                "day": day.day,
                "pk": self.pk,
                "slug": self.slug,
            },
        )

    @property
    def url_date(self):
        moment = self.published_at or self.created_at or timezone.now()
        return timezone.localtime(moment).date()

    @property
    def description(self) -> str:
        """The summary, or the body's opening without one: for feeds, shares, search engines."""
        text = " ".join((self.summary or body_text(self.body)).split())
        return Truncator(text).chars(150)

    @property
    def is_published_now(self) -> bool:
        """Readers can see it now: asks the one visibility rule, published(), as stored."""
        return self.pk is not None and type(self).objects.published().filter(pk=self.pk).exists()

    @property
    def is_scheduled(self) -> bool:
        """Published for a time still ahead (as `scheduled()` says), judged on this instance."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def status_label(self) -> str:
        """The status as the desk reads it: a scheduled story is not 已发布 yet."""
        if self.is_scheduled:
            local = timezone.localtime(self.published_at)
            return f"定时发布（北京时间 {local:%Y-%m-%d %H:%M}）"
        return self.get_status_display()

    @property
    def last_corrected_at(self):
        """When the latest correction or update was made (uses prefetched corrections)."""
        corrections = list(self.corrections.all())
        return max(c.created_at for c in corrections) if corrections else None

    @property
    def modified_at(self):
        """When the page readers see last changed: an edit, a correction, or the publication
        itself (a scheduled story saved before its time). Feeds, sitemaps, structured data and
        Last-Modified all use it. Uses prefetched corrections."""
        moments = [self.published_at, self.updated_at, self.last_corrected_at]
        return max((moment for moment in moments if moment is not None), default=None)


class RelatedArticle(models.Model):
    """One entry of a story's related stories, stored when the story is published or edited
    (`articles/services/related.py`) so that its page reads them in one query instead of
    scoring candidates per request. Readers' pages still pass them through the visibility rule:
    a row never makes a story visible.

    No database constraint ties a row to the article rows (Django's delete still cascades):
    writing a list then never waits for another story's row lock, so two desk steps on stories
    that list each other cannot deadlock. Readers join to the articles, so a row left behind by
    a delete outside Django leads nowhere."""

    article = models.ForeignKey(
        "Article",
        verbose_name="稿件",
        on_delete=models.CASCADE,
        related_name="related_links",
        db_constraint=False,
        db_index=False,  # the (article, rank) constraint's index serves
    )
    related = models.ForeignKey(
        "Article",
        verbose_name="相关稿件",
        on_delete=models.CASCADE,
        related_name="linked_from",
        db_constraint=False,
    )
    rank = models.PositiveSmallIntegerField("排序", help_text="0 为最相关")
    score = models.PositiveSmallIntegerField(
        "相关度", help_text="共同主题每个 2 分，共同地区每个 1 分，共同标签每个 3 分"
    )

    class Meta:
        verbose_name = "相关稿件"
        verbose_name_plural = "相关稿件"
        ordering = ["article", "rank"]
        constraints = [
            # Also the index a page reads its list by.
            models.UniqueConstraint(fields=["article", "rank"], name="related_article_rank"),
            models.UniqueConstraint(fields=["article", "related"], name="related_article_once"),
        ]

    def __str__(self):
        return f"{self.article_id} → {self.related_id}（第 {self.rank + 1} 位）"


class Byline(models.Model):
    class Role(models.TextChoices):
        REPORTER = "reporter", "记者"
        CORRESPONDENT = "correspondent", "通讯员"
        INTERN = "intern", "实习生"
        PHOTOGRAPHER = "photographer", "摄影"
        AUTHOR = "author", "作者"

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author, verbose_name="作者", on_delete=models.PROTECT, related_name="bylines"
    )
    role = models.CharField("身份", max_length=20, choices=Role.choices, default=Role.REPORTER)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author", "role"], name="byline_unique_author_role"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.author.name}"


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "更正"
        UPDATE = "update", "更新"

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(
        "说明", help_text="例如：本文此前将注册量误写为 478.29 万件，现已更正。"
    )
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "更正与更新"
        verbose_name_plural = "更正与更新"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text[:30]}"


class WorkflowEvent(models.Model):
    """Who moved an article through the desk, and when: submit, return, approve, publish …"""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "提交送审"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "审核通过"
        PUBLISHED = "published", "发布"
        SCHEDULED = "scheduled", "定时发布"
        WITHDRAWN = "withdrawn", "撤稿"
        CORRECTED = "corrected", "更正或更新"
        RESTORED = "restored", "恢复旧版本"

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.article}"


PREVIEW_SALT = "articles.preview-link"


class PreviewLink(models.Model):
    """A signed, expiring, revocable link that shows an unpublished article to someone outside."""

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="preview_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    expires_at = models.DateTimeField("失效时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "预览链接"
        verbose_name_plural = "预览链接"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article} 的预览链接"

    def get_absolute_url(self):
        return reverse("articles:preview", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """The signed token in the link: the signature stops guessing and tampering; this row
        decides expiry and revocation (see `site/previews.py`)."""
        return signing.dumps(
            {"link": self.pk, "article": self.article_id}, salt=PREVIEW_SALT, compress=True
        )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


# Every save of an article keeps a version with its bylines and tags (regions and themes are
# many-to-many fields of the article itself and are stored with it), the tags' rows too, so a
# version names its tags as they were: a merge compares a stale form's tag names with them.
reversion.register(Byline)
reversion.register(Tag)
reversion.register(TaggedArticle, follow=["tag"])
reversion.register(Article, follow=["bylines", "taggedarticle_set"])


class WordVectorField(models.Field):
    """A tsvector on PostgreSQL (stored, GIN-indexed, cheap to rank); unused text elsewhere."""

    description = "PostgreSQL tsvector of an article's words"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchEntry(models.Model):
    """An article's words for search, segmented in Python (see `articles/search/segment.py`).

    On PostgreSQL `vector` holds the words as a weighted tsvector (title A, the rest D) behind a
    GIN index; on SQLite each word is matched whole in the text columns. Kept current by
    `articles/search/engine.py`.
    """

    article = models.OneToOneField(
        Article,
        verbose_name="稿件",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    title_words = models.TextField("标题词", blank=True)
    body_words = models.TextField("正文词", blank=True)
    dictionary = models.CharField("词典版本", max_length=16, blank=True)
    vector = WordVectorField("词向量", null=True, blank=True, editable=False)
    # A copy of the article's publication time, so the index can pick its newest matches
    # without visiting every matching article (see search.search()).
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "搜索索引"
        verbose_name_plural = "搜索索引"

    def __str__(self):
        return f"{self.article_id} 的搜索索引"


class EditingSession(models.Model):
    """Someone has an article's change page open in one browser tab: a notice for the others
    ("also editing since 21:05"), never a lock. Kept alive by the page's heartbeat and forgotten
    once it stops (see `articles/desk/presence.py`)."""

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="editing_sessions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    tab = models.CharField("浏览器标签页", max_length=40)
    editing = models.BooleanField("可编辑", default=True, help_text="否：只能查看这篇稿件")
    opened_at = models.DateTimeField("打开时间", default=timezone.now)
    last_seen = models.DateTimeField("最近心跳", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "正在编辑"
        verbose_name_plural = "正在编辑"
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user", "tab"], name="editing_session_one_per_tab"
            )
        ]

    def __str__(self):
        return f"{self.user} 正在编辑 {self.article}"


class Autosave(models.Model):
    """What one user typed in an article's form and has not saved yet, kept so that a crash or
    a closed tab loses nothing. One row per user and article (or per user for a new story),
    overwritten every time; not a version, never in the history (`articles/desk/autosave.py`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article,
        verbose_name="稿件",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosaves",
        help_text="留空：尚未保存过的新稿件",
    )
    data = models.JSONField("表单内容", default=dict)
    saved_at = models.DateTimeField("自动保存时间", default=timezone.now)

    class Meta:
        verbose_name = "自动保存"
        verbose_name_plural = "自动保存"
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_one_per_article"),
            # NULL never equals NULL in a unique index: a new story needs a rule of its own.
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="autosave_one_new_story"
            ),
        ]

    def __str__(self):
        return f"{self.user} 的自动保存：{self.article or '新稿件'}"
