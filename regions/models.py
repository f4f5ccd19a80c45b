from django.db import models
from django.urls import reverse


def split_aliases(text: str) -> list[str]:
    """Aliases are typed one per line or separated by commas (，or ,)."""
    for sep in ("，", ",", "、"):
        text = text.replace(sep, "\n")
    return [alias.strip() for alias in text.splitlines() if alias.strip()]


class RegionTree:
    """The region tree, walked in memory: made from every region in one small query. The one
    place that walks it (region pages, coverage counts, sitemaps, suggestions)."""

    def __init__(self, regions):
        self.regions = list(regions)
        self.by_pk = {region.pk: region for region in self.regions}
        self._children: dict[int | None, list] = {}
        for region in self.regions:
            self._children.setdefault(region.parent_id, []).append(region)

    def children(self, region) -> list:
        return self._children.get(getattr(region, "pk", region), [])

    def below(self, region) -> list[int]:
        """The region's id and those of every region below it."""
        found, stack = [], [getattr(region, "pk", region)]
        while stack:
            pk = stack.pop()
            found.append(pk)
            stack.extend(child.pk for child in self._children.get(pk, []))
        return found

    def above(self, region) -> list[int]:
        """The region's id and those of every region above it, nearest first."""
        found, node = [], self.by_pk.get(getattr(region, "pk", region))
        while node is not None:
            found.append(node.pk)
            node = self.by_pk.get(node.parent_id)
        return found


class RegionQuerySet(models.QuerySet):
    def tree(self) -> RegionTree:
        return RegionTree(self.only("pk", "parent_id", "name", "slug", "kind", "sort_order"))

    def descendant_ids(self, region: "Region") -> list[int]:
        """The region's id and those of every region below it, in one small query."""
        return Region.objects.tree().below(region)

    def provinces_with_cities(self) -> list["Region"]:
        """Provinces, each followed by its cities and new areas (the search form's region list,
        the coverage table's rows)."""
        tree = RegionTree(self.exclude(kind=Region.Kind.AREA))
        ordered = []
        for province in (r for r in tree.regions if r.kind == Region.Kind.PROVINCE):
            ordered.append(province)
            ordered += [
                r
                for r in tree.children(province)
                if r.kind in (Region.Kind.CITY, Region.Kind.NEW_AREA)
            ]
        return ordered


class Region(models.Model):
    class Kind(models.TextChoices):
        AREA = "area", "区域"
        PROVINCE = "province", "省级"
        CITY = "city", "地级市"
        DISTRICT = "district", "市辖区"
        COUNTY = "county", "县级"
        NEW_AREA = "new_area", "新区"

    name = models.CharField("名称", max_length=50, unique=True, help_text="例如：雄安新区")
    slug = models.SlugField(
        "网址名", max_length=60, unique=True, help_text="拼音，用于网址，例如：xiongan"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    description = models.TextField("简介", blank=True)
    aliases = models.TextField(
        "别名", blank=True, help_text="稿件里常用的叫法，每行一个或用逗号分隔，例如：雄安，容城"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:region", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)

    def ancestors(self) -> list["Region"]:
        """From the top of the tree down to the parent (a few queries: the tree is shallow)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Theme(models.Model):
    name = models.CharField("名称", max_length=30, unique=True, help_text="例如：知识产权")
    slug = models.SlugField(
        "网址名", max_length=60, unique=True, help_text="拼音，用于网址，例如：zhishichanquan"
    )
    description = models.TextField("简介", blank=True)
    keywords = models.TextField(
        "关键词", blank=True, help_text="提示这一主题的词，每行一个或用逗号分隔，例如：专利，商标"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "主题"
        verbose_name_plural = "主题"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:theme", kwargs={"slug": self.slug})

    @property
    def keyword_list(self) -> list[str]:
        return split_aliases(self.keywords)


class CoverageCount(models.Model):
    """Published stories per Beijing day, region and theme: the summary behind the coverage
    dashboard and the overview chart, so they stay fast at a million articles.

    A region counts its sub-regions' stories too, each story once; the row without a theme is
    the region's total. `regions.coverage` keeps the rows in step from the articles' services
    and `manage.py rebuild_coverage` makes them afresh.
    """

    day = models.DateField("日期（北京时间）")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, related_name="+")
    stories = models.PositiveIntegerField("稿件数")

    class Meta:
        verbose_name = "报道覆盖计数"
        verbose_name_plural = "报道覆盖计数"
        indexes = [
            models.Index(fields=["day", "region"], name="coverage_day_region"),
            models.Index(fields=["region", "theme", "day"], name="coverage_region_theme_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.region_id}/{self.theme_id or '全部'}: {self.stories}"
