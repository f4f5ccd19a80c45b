"""Loads the demo desk from `content.py`. Idempotent: what exists is left as it is."""

import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from articles import services
from articles.demo import content as demo_content
from articles.models import Article, Author, Section
from regions.models import Region, Theme

ADMIN_USERNAME = "demo-admin"
# Local accounts for trying the workflow: (username, group, author they write as).
ROLE_ACCOUNTS = [
    ("demo-reporter", "记者", "林晓雯"),
    ("demo-editor", "编辑", None),
    ("demo-duty", "值班主编", None),
]


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    admin_password: str | None = None
    admin_note: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.created)


def body_html(paragraphs: list[str]) -> str:
    """Plain paragraphs to HTML; a paragraph starting with `## ` is a subhead."""
    parts = []
    for text in paragraphs:
        if text.startswith("## "):
            parts.append(f"<h2>{escape(text[3:].strip())}</h2>")
        else:
            parts.append(f"<p>{escape(text.strip())}</p>")
    return "\n".join(parts)


def lead_image_png(colour: str, seed: int) -> bytes:
    """A simple abstract picture (bands and circles) so that demo stories show a lead image."""
    from PIL import Image, ImageDraw

    width, height = 1200, 675
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    base = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for band in range(12):
        shade = tuple(min(255, c + band * 9) for c in base)
        top = height - (band + 1) * 40 - (seed * 13 % 60)
        draw.rectangle([0, top, width, top + 40], fill=shade)
    for k in range(5):
        x = (seed * 211 + k * 257) % width
        y = (seed * 97 + k * 131) % (height // 2)
        r = 40 + (seed + k) * 17 % 90
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _ensure_admin(report: DemoReport, *, create_admin: bool) -> None:
    User = get_user_model()
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        report.admin_note = (
            f"后台账号 {ADMIN_USERNAME} 已存在，密码见首次运行的输出；"
            f"忘记时用 python manage.py changepassword {ADMIN_USERNAME} 重设。"
        )
        return
    if not create_admin:
        report.admin_note = "未创建后台账号（仅在 DEBUG 开启的本地环境创建）。"
        return
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(ADMIN_USERNAME, "", password)
    report.admin_password = password
    report.created.append(f"后台账号 {ADMIN_USERNAME}")
    lines = [f"本地后台账号：用户名 {ADMIN_USERNAME}  密码 {password}"]
    for username, group_name, author_name in ROLE_ACCOUNTS:
        role_password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username, "", role_password, is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        if author_name:
            Author.objects.filter(name=author_name, user__isnull=True).update(user=user)
        report.created.append(f"后台账号 {username}（{group_name}）")
        lines.append(f"{group_name}账号：用户名 {username}  密码 {role_password}")
    report.admin_note = "\n".join(lines)


@transaction.atomic
def load_demo(*, create_admin: bool) -> DemoReport:
    report = DemoReport()
    now = timezone.now()

    sections = {}
    for name, slug, description, order in demo_content.SECTIONS:
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            section = services.taxonomy_save(
                obj=Section(name=name, slug=slug, description=description, sort_order=order)
            )
            report.created.append(f"栏目 {name}")
        sections[slug] = section

    authors = {}
    for name, slug, bio in demo_content.AUTHORS:
        existed = Author.objects.filter(name=name).exists()
        authors[name] = services.author_get_or_create(name=name, bio=bio, slug=slug)
        if not existed:
            report.created.append(f"作者 {name}")

    regions = {r.slug: r for r in Region.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}

    stories_added = False
    for index, item in enumerate(demo_content.ARTICLES):
        if Article.objects.filter(headline=item["headline"]).exists():
            continue
        status = item["status"]
        published_at = now - timedelta(hours=item["hours_ago"])
        image = item.get("lead_image") or {}
        picture = {}
        if image:
            picture = {
                "lead_image": ContentFile(
                    lead_image_png(image.get("colour", "#2b5d8a"), index + 1),
                    name=f"demo-{index + 1}.png",
                ),
                "lead_image_caption": image["caption"],
                "lead_image_credit": image["credit"],
            }
        article = services.article_create(
            headline=item["headline"],
            kicker=item["kicker"],
            deck=item["deck"],
            summary=item["summary"],
            body=body_html(item["body"]),
            source_line=item["source_line"],
            dateline=item["dateline"],
            section=sections[item["section"]],
            bylines=[(authors[name], role) for name, role in item["bylines"]],
            tags=item["tags"],
            regions=[regions[slug] for slug in item["regions"]],
            themes=[themes[slug] for slug in item["themes"]],
            status=Article.Status.DRAFT if status == "draft" else Article.Status.PUBLISHED,
            published_at=None if status == "draft" else published_at,
            **picture,
        )
        for step, (kind, text) in enumerate(item.get("corrections", [])):
            services.article_add_correction(
                article=article,
                kind=kind,
                text=text,
                at=published_at + timedelta(hours=2 + step),
            )
        label = "定时发布" if status == "scheduled" else article.get_status_display()
        report.created.append(f"稿件（{label}）{article.headline}")
        stories_added = True

    if stories_added:
        # Each story was scored against those loaded before it: score them all together.
        services.articles_related_refresh_all()

    _ensure_admin(report, create_admin=create_admin)
    return report
