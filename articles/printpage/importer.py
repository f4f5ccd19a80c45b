"""Turning a print page's OCR text into draft articles, through the editing services."""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.html import escape

from articles import services
from articles.models import BODY_MAX_CHARS, Article, PrintPage, Section, body_length
from regions.suggest import suggest


@dataclass
class ImportReport:
    print_page: PrintPage | None
    stories: list[dict]
    warnings: list[str]
    duplicate: bool = False
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The report as lines of text, for the command and the admin alike."""
        head = "（试运行，未保存）" if self.dry_run else ""
        if self.duplicate:
            return [f"这一版已经导入过（{self.print_page}），没有新建任何稿件。"]
        out = [f"{head}找到 {len(self.stories)} 篇稿件："]
        for n, story in enumerate(self.stories, start=1):
            mark = "（标题为建议，请编辑确认）" if story["headline_proposed"] else ""
            out.append(
                f"{n}. {story['headline']}{mark}｜{story['byline'] or '无署名'}｜"
                f"{story['chars']} 字｜地区：{story['regions'] or '—'}｜主题：{story['themes'] or '—'}"
                + (f"｜已建草稿 #{story['article_id']}" if story.get("article_id") else "")
            )
        out += [f"提示：{warning}" for warning in self.warnings]
        return out


def print_page_import(
    *, data: bytes, print_date, page: int = 1, section=None, user=None, dry_run: bool = False
) -> ImportReport:
    """Turn one page's OCR text into draft articles, all or nothing, never twice.

    Raises printpage.PrintPageError (a one-line reason) for input that is not a page.
    """

    from articles import printpage

    if user is not None and not user.has_perm("articles.import_printpage"):
        raise services.TransitionRefused("您没有导入报纸版面的权限。")
    text = printpage.decode(data)
    digest = hashlib.sha256(text.strip().encode()).hexdigest()
    existing = PrintPage.objects.filter(content_hash=digest).first()
    if existing is not None:
        return ImportReport(print_page=existing, stories=[], warnings=[], duplicate=True)
    parsed = printpage.parse(text)
    section = section or Section.objects.order_by("sort_order", "pk").first()
    if section is None:
        raise printpage.PrintPageError("还没有任何栏目：请先在后台建一个栏目。")
    stories = []
    for number, story in enumerate(parsed.stories, start=1):
        body = "\n".join(f"<{kind}>{escape(text)}</{kind}>" for kind, text in story.blocks)
        if (length := body_length(body)) > BODY_MAX_CHARS:
            # Most likely a story whose opener the parser missed ran on into the next ones.
            raise printpage.PrintPageError(
                f"第 {number} 篇稿件正文过长：{length} 字，上限 {BODY_MAX_CHARS} 字，这一版没有导入；"
                "请检查版面里每篇稿件的开头（本报讯、□ 记者名……）是否完整。"
            )
        found = suggest(f"{story.headline}\n{story.text}")
        stories.append(
            {
                "story": story,
                "headline": story.headline,
                "headline_proposed": story.headline_proposed,
                "byline": "、".join(name for name, _ in story.bylines),
                "chars": len(story.text),
                "regions": "、".join(r.name for r in found.regions),
                "themes": "、".join(t.name for t in found.themes),
                "found": found,
                "body": body,
            }
        )
    report = ImportReport(
        print_page=None, stories=stories, warnings=parsed.warnings, dry_run=dry_run
    )
    if dry_run:
        return report
    with transaction.atomic():
        page_row = PrintPage.objects.create(
            print_date=print_date,
            page=page,
            section=section,
            source_text=text,
            content_hash=digest,
            created_by=user,
        )
        for item in stories:
            story = item["story"]
            article = services.article_create(
                headline=story.headline[:120],
                kicker=story.kicker[:120],
                section=section,
                body=item["body"],
                source_line=story.source_line,
                dateline=story.dateline,
                # A name printed twice in one opener is one byline (dict keeps the order).
                bylines=list(
                    dict.fromkeys(
                        (services.author_get_or_create(name=name), role)
                        for name, role in story.bylines
                    )
                ),
                regions=item["found"].regions,
                themes=item["found"].themes,
                user=user,
                status=Article.Status.DRAFT,
                print_page=page_row,
            )
            item["article_id"] = article.pk
        report.print_page = page_row
        page_row.report = {"lines": report.lines()}
        page_row.save(update_fields=["report"])
    return report
