"""News pages built the way Arabic news sites build them, for the page, feed and benchmark tests.

Each :class:`Story` is rendered by several templates that differ in everything a site varies:
markup (semantic ``<article>``/``<p>``, a ``<div>`` and ``<br>`` soup, a table layout), where the
metadata sits (Open Graph, JSON-LD, both or neither), where the dateline is (its own paragraph,
inline at the start of the body, none), and the debris around the story (cookie banner, edition
and language switcher, navigation, breadcrumbs, share bars, "اقرأ أيضا", related stories, a
comment policy, footer link bars, app promotions). A test asserts that exactly the story's body
comes out, so no rule can be fitted to one template.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    """What a page holds, and therefore what extraction must give back."""

    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: str  # ISO 8601 with offset
    outlet: str
    place: str
    country: str
    agency: str
    image: str
    related: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"https://news.example.net/{self.slug}"


STORIES: tuple[Story, ...] = (
    Story(
        slug="iraq/2023/05/water-talks",
        title="وزير الخارجية العراقي يبحث مع نظيره التركي ملف المياه",
        paragraphs=(
            "بحث وزير الخارجية العراقي فؤاد حسين، الأحد، مع نظيره التركي في أنقرة ملف المياه والإطلاقات"
            " المائية في نهري دجلة والفرات، في ظل موجة جفاف غير مسبوقة تضرب البلاد.",
            'وقال حسين في مؤتمر صحفي مشترك إن "العراق يواجه أزمة مياه حقيقية تهدد الأمن الغذائي لملايين'
            ' المواطنين"، مؤكدا أن "الحوار هو السبيل الوحيد للتوصل إلى اتفاق عادل بين البلدين".',
            'من جهته، أكد الوزير التركي أن بلاده "ستعمل على زيادة الإطلاقات المائية خلال الأشهر المقبلة بما'
            ' يراعي احتياجات الجانبين".',
            'وأضاف أن "اللجنة الفنية المشتركة ستجتمع الشهر المقبل في بغداد لوضع آلية دائمة لتقاسم المياه".',
            "ويعاني العراق منذ سنوات من تراجع منسوب المياه في نهري دجلة والفرات، بسبب السدود التي أقامتها"
            " دول المنبع وقلة الأمطار.",
        ),
        published="2023-05-14T11:25:00+03:00",
        outlet="شبكة الرافدين الإخبارية",
        place="بغداد",
        country="العراق",
        agency="الرافدين",
        image="https://cdn.example.net/img/2023/water.jpg",
        related=(
            "رئيس الوزراء يستقبل وفدا تركيا رفيعا في بغداد لبحث التعاون الاقتصادي",
            "انخفاض غير مسبوق في منسوب نهر دجلة وسط العاصمة بغداد",
            "البرلمان يستضيف وزير الموارد المائية لمناقشة خطة الصيف",
        ),
    ),
    Story(
        slug="syria/2024/02/aid-convoy",
        title="وصول قافلة مساعدات أممية إلى شمال غرب سوريا عبر معبر باب الهوى",
        paragraphs=(
            "دخلت قافلة مساعدات إنسانية تابعة للأمم المتحدة، الثلاثاء، إلى شمال غرب سوريا عبر معبر باب"
            " الهوى الحدودي مع تركيا، محملة بمواد غذائية وطبية لآلاف العائلات النازحة.",
            'وقال المتحدث باسم مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية إن "القافلة تضم 30 شاحنة تحمل'
            ' مساعدات تكفي نحو 50 ألف شخص لمدة شهر".',
            "وأوضح أن الاحتياجات في المنطقة تفوق بكثير ما يصل من مساعدات، داعيا المانحين إلى زيادة التمويل"
            " قبل حلول فصل الصيف.",
            'بدوره، ذكر الدفاع المدني السوري في بيان أن "فرقه ساعدت في تفريغ الشاحنات ونقل المساعدات إلى'
            ' المخيمات الأكثر تضررا".',
            "ويعيش في شمال غرب سوريا أكثر من أربعة ملايين شخص، نزح معظمهم مرة واحدة على الأقل خلال سنوات الحرب.",
            "وكان مجلس الأمن الدولي قد مدد العمل بآلية إدخال المساعدات عبر الحدود لستة أشهر إضافية في يناير الماضي.",
        ),
        published="2024-02-20T09:10:00+03:00",
        outlet="صوت الشام",
        place="إدلب",
        country="سوريا",
        agency="صوت الشام",
        image="https://cdn.example.net/img/2024/convoy.jpg",
        related=(
            "الأمم المتحدة تحذر من نقص حاد في تمويل الاستجابة الإنسانية في سوريا",
            "موجة برد تضرب مخيمات النازحين في ريف إدلب الشمالي",
        ),
    ),
    Story(
        slug="gulf/2025/11/rain-schools",
        title="تعليق الدراسة في مدارس عدة مناطق بسبب الأمطار الغزيرة",
        paragraphs=(
            "أعلنت وزارة التربية والتعليم، الأربعاء، تعليق الدراسة الحضورية في مدارس عدة مناطق والتحول إلى"
            " التعليم عن بعد، بسبب الأمطار الغزيرة المتوقعة خلال اليومين المقبلين.",
            'وقالت الوزارة في بيان إن "سلامة الطلاب والكوادر التعليمية تأتي في المقام الأول"، مشيرة إلى أن'
            ' "القرار يشمل المدارس الحكومية والخاصة على حد سواء".',
            "وتوقع المركز الوطني للأرصاد هطول أمطار رعدية غزيرة مصحوبة برياح نشطة قد تؤدي إلى جريان الأودية"
            " وتدني مدى الرؤية الأفقية.",
            'وأكد المتحدث باسم الدفاع المدني أن "الفرق الميدانية في حالة جاهزية تامة للتعامل مع أي طارئ".',
            "ودعت السلطات السكان إلى البقاء في منازلهم وتجنب الاقتراب من مجاري السيول والأودية حتى تحسن"
            " الأحوال الجوية.",
        ),
        published="2025-11-19T07:45:00+04:00",
        outlet="الخليج اليوم",
        place="دبي",
        country="الإمارات",
        agency="الخليج اليوم",
        image="https://cdn.example.net/img/2025/rain.jpg",
        related=(
            "الأرصاد: استمرار الحالة الجوية غير المستقرة حتى نهاية الأسبوع",
            "إغلاق طرق رئيسية بعد ارتفاع منسوب المياه في عدد من الأحياء",
        ),
    ),
)

COOKIE = (
    "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا. بمتابعة التصفح فإنك توافق على سياسة"
    " الخصوصية واستخدام ملفات الارتباط."
)
COMMENT_POLICY = (
    "جميع التعليقات تخضع للمراجعة قبل النشر، ونرجو الالتزام بآداب الحوار وعدم الإساءة إلى الآخرين،"
    " والموقع غير مسؤول عن آراء المعلقين."
)
MENU = ("الرئيسية", "أخبار محلية", "عربي ودولي", "اقتصاد", "رياضة", "فيديو", "منوعات")
FOOTER = ("من نحن", "اتصل بنا", "سياسة الخصوصية", "شروط الاستخدام", "أعلن معنا", "خريطة الموقع")
MOST_READ = (
    "ارتفاع أسعار الذهب في الأسواق المحلية مع بداية الأسبوع",
    "الأرصاد الجوية تتوقع ارتفاعا في درجات الحرارة خلال الأيام المقبلة",
)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _json_ld(story: Story, *, publisher: bool = True) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": story.published,
        "image": {"@type": "ImageObject", "url": story.image},
        "mainEntityOfPage": story.url,
        "author": {"@type": "Person", "name": "قسم الأخبار"},
    }
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": story.outlet, "logo": {"url": "https://x.example/l.png"}}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def _nav() -> str:
    return "<nav><ul>" + "".join(f'<li><a href="/s/{i}">{_e(m)}</a></li>' for i, m in enumerate(MENU)) + "</ul></nav>"


def _footer(outlet: str) -> str:
    links = "".join(f'<li><a href="/p/{i}">{_e(f)}</a></li>' for i, f in enumerate(FOOTER))
    return (
        f"<footer><ul>{links}</ul><p>جميع الحقوق محفوظة © {_e(outlet)} 2025</p>"
        f'<div class="apps">حمل تطبيق {_e(outlet)} على أندرويد وآيفون وتابعنا على تلغرام</div></footer>'
    )


def _related(story: Story) -> str:
    items = "".join(f'<li><a href="/r/{i}">{_e(r)}</a></li>' for i, r in enumerate(story.related))
    return f'<section class="related"><h3>أخبار ذات صلة</h3><ul>{items}</ul></section>'


def semantic(story: Story) -> str:
    """A modern CMS: ``<article>``, Open Graph and JSON-LD, the dateline in its own first paragraph."""
    body = [f"<p>{_e(story.place)} - {_e(story.agency)}</p>"]
    for index, paragraph in enumerate(story.paragraphs):
        body.append(f"<p>{_e(paragraph)}</p>")
        if index == 1:
            body.append(
                f'<div class="read-also"><strong>اقرأ أيضا:</strong> <a href="/r/9">{_e(story.related[0])}</a></div>'
            )
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{_e(story.title)} | {_e(story.outlet)}</title>
<meta property="og:site_name" content="{_e(story.outlet)}">
<meta property="og:title" content="{_e(story.title)}">
<meta property="og:image" content="{_e(story.image)}">
<meta property="og:url" content="{_e(story.url)}">
<link rel="canonical" href="{_e(story.url)}">
{_json_ld(story)}
</head><body>
<div class="cookie-banner"><p>{COOKIE}</p><button>موافق</button></div>
<div class="top-bar"><span>الطبعة:</span> <a href="/">عربي</a> | <a href="/en">English</a> | <a href="/fr">Français</a></div>
<header class="site-header"><a class="logo" href="/">{_e(story.outlet)}</a>{_nav()}
<div class="ticker">عاجل | {_e(story.place)} - {_e(story.agency)}: انطلاق الامتحانات الوزارية في عموم البلاد</div></header>
<main>
<ol class="breadcrumb"><li><a href="/">الرئيسية</a></li><li><a href="/n">أخبار محلية</a></li><li>سياسة</li></ol>
<article class="post">
<h1 class="post-title">{_e(story.title)}</h1>
<div class="post-meta"><span class="author">قسم الأخبار</span> <time datetime="{story.published}">{story.published[:10]}</time></div>
<div class="share"><a href="https://facebook.com/sharer">فيسبوك</a> <a href="https://twitter.com/share">تويتر</a> <a href="https://wa.me/">واتساب</a> <span>مشاركة</span></div>
<figure><img src="{_e(story.image)}" alt=""><figcaption>صورة من الأرشيف</figcaption></figure>
<div class="post-body">
{"".join(body)}
</div>
<div class="tags"><span>الوسوم:</span> <a href="/t/1">سياسة</a> <a href="/t/2">أخبار</a></div>
<div class="share share-bottom"><span>شارك الخبر</span> <a href="#">فيسبوك</a> <a href="#">تويتر</a></div>
</article>
{_related(story)}
<section class="comments"><h3>التعليقات</h3><p class="policy">{COMMENT_POLICY}</p><form><textarea></textarea><button>أرسل</button></form></section>
</main>
<aside class="sidebar"><h3>الأكثر قراءة</h3><ol>{"".join(f"<li><a href='/m/{i}'>{_e(m)}</a></li>" for i, m in enumerate(MOST_READ))}</ol></aside>
{_footer(story.outlet)}
</body></html>"""


def inline_dateline(story: Story) -> str:
    """A news network: the dateline opens the first paragraph (``دبي، الإمارات (CNN) -- ...``), metadata in
    Open Graph only, a language switcher above the logo."""
    first = f"{story.place}، {story.country} ({story.agency}) -- {story.paragraphs[0]}"
    paragraphs = [first, *story.paragraphs[1:]]
    return f"""<!DOCTYPE html>
<html lang="ar"><head><meta charset="utf-8">
<meta property="og:site_name" content="{_e(story.outlet)}">
<meta property="og:title" content="{_e(story.title)}">
<meta property="og:image" content="{_e(story.image)}">
<meta property="og:url" content="{_e(story.url)}">
<meta property="article:published_time" content="{story.published}">
<title>{_e(story.title)} - {_e(story.outlet)}</title>
</head><body>
<div id="edition-picker"><a href="/ar">عربي</a> - <a href="https://edition.example.net">English</a></div>
<div class="header">{_nav()}<form class="search"><input placeholder="ابحث"></form></div>
<div id="body-container"><div class="layout">
<div class="breadcrumbs"><a href="/">الرئيسية</a> &gt; <a href="/mid">الشرق الأوسط</a></div>
<h1 class="headline">{_e(story.title)}</h1>
<div class="byline">نشر {story.published[:10]}</div>
<div class="social-bar"><a>شارك</a> <a>فيسبوك</a> <a>تويتر</a> <a>واتساب</a> <a>نسخ الرابط</a></div>
<div class="article__content">
{"".join(f'<p class="paragraph">{_e(p)}</p>' for p in paragraphs)}
</div>
<div class="zone related"><h2>قد يعجبك أيضا</h2>{"".join(f'<div class="card"><a href="/c/{i}"><span>{_e(r)}</span></a></div>' for i, r in enumerate(story.related))}</div>
</div></div>
<div class="newsletter">اشترك في نشرتنا الإخبارية اليومية لتصلك أهم الأخبار</div>
{_footer(story.outlet)}
</body></html>"""


def div_soup(story: Story) -> str:
    """An older portal: no ``<article>`` and no ``<p>``, text in ``<div>`` and ``<br>``, metadata in JSON-LD
    only (no Open Graph), the date written out in the page, and no dateline."""
    body = "<br><br>\n".join(_e(p) for p in story.paragraphs)
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{_e(story.outlet)} :: {_e(story.title)}</title>
{_json_ld(story)}
</head><body>
<div id="wrapper">
<div id="cookie-notice">{COOKIE} <a href="#">إغلاق</a></div>
<div id="top"><div class="lang"><a href="/en">English</a> | <a href="/">العربية</a></div>
<div class="menu">{" | ".join(f'<a href="/s/{i}">{_e(m)}</a>' for i, m in enumerate(MENU))}</div></div>
<div id="path"><a href="/">الرئيسية</a> » <a href="/news">الأخبار</a> » {_e(story.title)}</div>
<div id="content">
<div class="news-title">{_e(story.title)}</div>
<div class="news-date">{story.published[:10]} {story.published[11:16]}</div>
<div class="news-text">
{body}
</div>
<div class="share-links">أرسل لصديق | طباعة | مشاركة على فيسبوك</div>
<div class="more-news"><div class="t">اقرأ أيضا</div>
{"".join(f'<div><a href="/r/{i}">{_e(r)}</a></div>' for i, r in enumerate(story.related))}</div>
<div class="comment-rules">{COMMENT_POLICY}</div>
</div>
<div id="bottom">{" - ".join(f'<a href="/p/{i}">{_e(f)}</a>' for i, f in enumerate(FOOTER))}</div>
</div></body></html>"""


def table_layout(story: Story) -> str:
    """A table-based page declaring Windows-1256 (see :func:`encoded`), the dateline as a short line above
    the body, the outlet in ``application-name`` and the title only in ``<title>``."""
    rows = "".join(f"<p>{_e(p)}</p>" for p in story.paragraphs)
    return f"""<html dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<meta name="application-name" content="{_e(story.outlet)}">
<meta name="pubdate" content="{story.published}">
<title>{_e(story.title)}</title>
</head><body>
<table width="100%"><tr><td class="menu">{" | ".join(_e(m) for m in MENU)}</td></tr>
<tr><td class="crumbs">الرئيسية / الأخبار / {_e(story.title[:20])}</td></tr></table>
<table width="100%"><tr><td width="70%" valign="top">
<h2>{_e(story.title)}</h2>
<div class="dateline"><b>{_e(story.place)} - {_e(story.agency)}</b></div>
<div class="text">{rows}</div>
<div class="print">طباعة | أرسل لصديق | حفظ</div>
</td><td width="30%" valign="top" class="side"><b>الأكثر قراءة</b><br>
{"<br>".join(_e(m) for m in MOST_READ)}</td></tr></table>
<div class="foot">{" | ".join(_e(f) for f in FOOTER)}<br>جميع الحقوق محفوظة</div>
</body></html>"""


TEMPLATES: dict[str, Callable[[Story], str]] = {
    "semantic": semantic,
    "inline_dateline": inline_dateline,
    "div_soup": div_soup,
    "table_layout": table_layout,
}
"""Every template, by name."""

EXPECTED_DATELINE = {"semantic": True, "inline_dateline": True, "div_soup": False, "table_layout": False}
"""Whether a template's page carries a dateline at the opening of its story (the table layout's sits in a
bold line above it, outside the story's text, like a byline)."""


def encoded(page: str, charset: str) -> bytes:
    """The page's bytes in ``charset`` (whatever its ``<meta>`` declares)."""
    return page.encode(charset)


@dataclass(frozen=True)
class Item:
    """One feed entry: an id, a link, and optionally the full story in ``content:encoded``."""

    guid: str
    link: str
    story: Story
    full_text: bool = False
    image: str | None = None


def rss(items: list[Item], title: str = "آخر الأخبار") -> bytes:
    """An RSS 2.0 feed with the namespaces news sites use (content, media), UTF-8."""
    parts = []
    for item in items:
        content = ""
        if item.full_text:
            body = "".join(f"<p>{_e(p)}</p>" for p in item.story.paragraphs)
            content = f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        media = f'<media:content url="{_e(item.image)}" medium="image"/>' if item.image else ""
        parts.append(
            f"<item><title>{_e(item.story.title)}</title><link>{_e(item.link)}</link>"
            f'<guid isPermaLink="false">{_e(item.guid)}</guid>'
            f"<pubDate>Sun, 14 May 2023 08:25:00 GMT</pubDate>"
            f"<description>{_e(item.story.paragraphs[0][:120])}</description>{content}{media}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{_e(title)}</title><link>https://news.example.net/</link><description>أخبار</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def atom(items: list[Item], title: str = "آخر الأخبار") -> bytes:
    """An Atom feed of ``items`` (links only)."""
    entries = "".join(
        f"<entry><id>{_e(item.guid)}</id><title>{_e(item.story.title)}</title>"
        f'<link rel="alternate" href="{_e(item.link)}"/><updated>2024-02-20T06:10:00Z</updated>'
        f"<summary>{_e(item.story.paragraphs[0][:120])}</summary></entry>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{_e(title)}</title><id>urn:feed</id><updated>2024-02-20T06:10:00Z</updated>{entries}</feed>"
    ).encode()
