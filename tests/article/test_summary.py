from __future__ import annotations

from bot.article import parse_text
from bot.article.summary import summarise


def test_bundled_summary_covers_key_facts(bundled_text: str, gold: dict[str, object]) -> None:
    article = parse_text(bundled_text)
    flat = " ".join(bundled_text.split())
    assert 1 <= len(article.summary) <= 3
    assert len(" ".join(article.summary)) <= 700
    assert all(" ".join(s.split()) in flat for s in article.summary)
    facts = gold["summary_key_facts"]
    assert isinstance(facts, list)
    text = " ".join(article.summary)
    missing = [f["fact"] for f in facts if not any(k in text for k in f["any_of"])]
    assert missing == []


def test_summary_is_in_article_order_and_respects_budget(bundled_text: str) -> None:
    article = parse_text(bundled_text)
    positions = [" ".join(article.paragraphs).find(s) for s in article.summary]
    assert positions == sorted(positions) and -1 not in positions
    short = summarise(article.paragraphs, article.statements, max_sentences=2, max_chars=300)
    assert len(short) <= 2 and len(" ".join(short)) <= 300
    assert summarise(article.paragraphs, max_sentences=0) == []


def test_summary_prefers_toll_in_own_voice() -> None:
    paragraphs = [
        "شهدت المدينة أمس مواجهات عنيفة بين القوات الحكومية والمسلحين في الأحياء الشرقية.",
        'وقال قائد الشرطة إن "القوات ستواصل عملياتها حتى إعادة الأمن الكامل للمدينة".',
        "وأسفرت المواجهات عن سقوط 12 قتيلا و30 جريحا بحسب حصيلة رسمية أولية.",
        "وتعد المدينة من أكبر مدن المنطقة ويبلغ عدد سكانها نحو نصف مليون نسمة.",
    ]
    summary = summarise(paragraphs, max_sentences=2)
    assert summary == [paragraphs[0], paragraphs[2]]


def test_the_summary_takes_no_sentence_that_leans_on_the_one_before() -> None:
    paragraphs = [
        "افتتح وزير النقل الطريق السريع الجديد بين المدينتين بطول 120 كيلومترا صباح اليوم.",
        "وأضاف أن العمل استغرق ثلاث سنوات وكلف مليار ريال من ميزانية الوزارة.",
        "كما أن الطريق يختصر زمن الرحلة بين المدينتين إلى ساعة واحدة فقط.",
        "وأشار المصدر إلى أن الطريق السريع سيخفف الزحام عن الطريق القديم بين المدينتين.",
        "ستفتح محطات الوقود على الطريق السريع الجديد خلال الشهر المقبل للمسافرين بين المدينتين.",
    ]
    summary = summarise(paragraphs, max_sentences=3, max_chars=700)
    assert summary[0] == paragraphs[0]
    assert not any(s.startswith(("وأضاف", "كما", "وأشار المصدر")) for s in summary)
    assert paragraphs[4] in summary
