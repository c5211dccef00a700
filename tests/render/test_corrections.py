"""The admins' views of corrections: valid HTML within Telegram's limits in both languages,
article text and admins' words escaped, paged, stale and invalid ones marked."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from bot.article import Article
from bot.article.corrections import Correction, apply_corrections, parse_correction_args, statement_keys
from bot.article.model import Statement
from bot.errors import CorrectionError, CorrectionProblem
from bot.i18n import LANGUAGES, Language, has
from bot.render.corrections import (
    correction_error,
    correction_made,
    correction_removed,
    correction_statements,
    corrections_list,
)
from bot.render.html import tg_len, visible
from bot.render.links import from_callback
from bot.render.views import View
from tests.botapi.html_rules import check_html

SLOT = "article.txt"
ARABIC_START = re.compile("[\u0600-\u06ff]")
AT = 1_700_000_000.0


def fix(article: Article, *args: str, at: float = AT, slot: str = SLOT) -> Correction:
    target, field, value = parse_correction_args(article, args)
    return Correction(slot=slot, target=target, field=field, value=value, admin_id=42, at=at)


@pytest.fixture(scope="module")
def made(article: Article) -> list[Correction]:
    """A correction of each field of the bundled article, oldest first."""
    return [
        fix(article, "3", "speaker", "أحمد الشرع، الرئيس السوري", at=AT),
        fix(article, "3", "org", "none", at=AT + 1),
        fix(article, "5", "hide", at=AT + 2),
        fix(article, "18", "org", "un", at=AT + 3),
        fix(article, "date", "2022-01-21", at=AT + 4),
        fix(article, "outlet", "رويترز", at=AT + 5),
    ]


def texts(view: View) -> str:
    return visible(view.text)


def buttons(view: View) -> list[str]:
    return [b.callback_data for row in view.keyboard.inline_keyboard for b in row] if view.keyboard else []  # type: ignore[misc]


def every_view(article: Article, made: list[Correction], lang: Language) -> list[View]:
    stale = Correction(slot=SLOT, target="0123456789", field="speaker", value="أحد", admin_id=1, at=AT - 1)
    rendered = [correction_statements(article, made, lang, n) for n in (1, 2)]
    rendered.append(corrections_list([(SLOT, article, [*reversed(made), stale]), ("gone.txt", None, made[-1:])], lang))
    rendered += [correction_made(article, made, c, lang, posted=True) for c in made]
    rendered += [correction_removed(article, c, lang) for c in (*made, stale)]
    for args in ([], ["99", "hide"], ["3"], ["x"], ["hide"], ["3", "date", "x"], ["3", "org"], ["3", "hide", "x"],
                 ["3", "org", "nato"], ["date", "x"]):
        with pytest.raises(CorrectionError) as caught:
            parse_correction_args(article, args)
        rendered.append(correction_error(caught.value, lang))
    return rendered


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_view_is_valid_html_within_limits(article: Article, made: list[Correction], lang: Language) -> None:
    for view in every_view(article, made, lang):
        assert check_html(view.text) == [], view.text
        assert 0 < tg_len(visible(view.text)) <= 4096


def test_arabic_views_start_every_line_with_an_arabic_word(article: Article, made: list[Correction]) -> None:
    offenders = {
        line.strip()[:40]
        for view in every_view(article, made, "ar")
        for line in texts(view).splitlines()
        if line.strip() and not ARABIC_START.match(line.strip())
    }
    assert offenders == set()


def test_every_problem_has_an_answer_in_both_languages() -> None:
    for reason in get_args(CorrectionProblem):
        key = "correction_error_no_statement" if reason == "no_statement" else f"correction_error_{reason}"
        assert all(has(lang, key) for lang in LANGUAGES), reason


# /correct alone ----------------------------------------------------------------------


def test_the_numbered_statements_show_corrections_and_mark_hidden_ones(article: Article, made: list[Correction]) -> None:
    shown = texts(correction_statements(article, made, "en", 1)) + texts(correction_statements(article, made, "en", 2))
    assert "Statement 3: أحمد الشرع, الرئيس السوري; organisation: none" in shown
    assert "Statement 5: التحالف الدولي; organisation: the US-led international coalition (hidden from readers)" in shown
    assert "Statement 18: المرصد السوري لحقوق الإنسان; organisation: the United Nations" in shown
    numbers = [int(n) for n in re.findall(r"^Statement (\d+):", shown, re.M)]
    assert numbers == list(range(1, len(article.statements) + 1))  # every one once, in order, hidden ones too
    arabic = texts(correction_statements(article, made, "ar", 1))
    assert "التصريح 3: أحمد الشرع، الرئيس السوري، الجهة: لا جهة" in arabic and "(مخفي عن القراء)" in arabic


def test_the_numbered_statements_are_paged_and_the_pager_carries_the_served_version(
    article: Article, made: list[Correction]
) -> None:
    served = apply_corrections(article, made).article.id
    first, second = (correction_statements(article, made, "ar", n) for n in (1, 2))
    assert "صفحة 1 من 2" in first.text and "صفحة 2 من 2" in second.text
    links = [from_callback(data) for data in buttons(first)]
    assert [(link.view, link.article_id, link.arg) for link in links if link] == [("noop", served, ""), ("correct", served, "2")]
    with pytest.raises(IndexError):
        correction_statements(article, made, "ar", 3)


def test_a_long_article_fits_each_page_and_lists_every_statement(article: Article) -> None:
    many = tuple(
        Statement(text=f"تصريح رقم {i} " + "كلام طويل " * 40, form="direct", speaker=f"متحدث {i}", paragraph=0) for i in range(300)
    )
    long = article.model_copy(update={"statements": many}).with_id()
    pages = []
    number = 1
    while True:
        try:
            pages.append(correction_statements(long, [], "en", number))
        except IndexError:
            break
        number += 1
    assert len(pages) > 10 and all(tg_len(visible(p.text)) <= 4096 and check_html(p.text) == [] for p in pages)
    listed = [int(n) for p in pages for n in re.findall(r"^Statement (\d+):", visible(p.text), re.M)]
    assert listed == list(range(1, 301))


def test_an_article_without_statements_says_what_can_still_be_corrected(article: Article) -> None:
    bare = article.model_copy(update={"statements": ()}).with_id()
    assert "/correct outlet" in correction_statements(bare, [], "en").text


def test_article_text_and_what_admins_type_are_escaped(article: Article) -> None:
    hostile = article.model_copy(
        update={
            "title": "<b>عنوان</b> & <script>",
            "statements": (Statement(text="قال <i>إن</i> & </blockquote>", form="direct", speaker="<أحمد>", paragraph=0),),
        }
    ).with_id()
    typed = [fix(hostile, "1", "speaker", "<b>x</b> & y", at=1), fix(hostile, "outlet", "</i>&", at=2)]
    views = [
        correction_statements(hostile, typed, "ar"),
        corrections_list([("<slot>&", hostile, typed)], "ar"),
        *(correction_made(hostile, typed, c, "en") for c in typed),
    ]
    for view in views:
        assert check_html(view.text) == [], view.text
    assert "&lt;b&gt;عنوان&lt;/b&gt; &amp; &lt;script&gt;" in views[0].text
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in views[0].text and "قال &lt;i&gt;إن&lt;/i&gt;" in views[0].text
    assert "&lt;slot&gt;&amp;" in views[1].text and "&lt;/i&gt;&amp;" in views[3].text


# /corrections ------------------------------------------------------------------------


def test_the_list_names_each_statement_and_the_values_before_and_after(article: Article, made: list[Correction]) -> None:
    shown = texts(corrections_list([(SLOT, article, list(reversed(made)))], "en"))
    lines = shown.splitlines()
    assert lines[0] == "Corrections: 6 corrections, page 1 of 1"
    assert lines[2] == f"Article article.txt: {article.title}"
    assert lines[3].startswith("The article itself: publisher: ناس → رويترز (admin 42, ")  # newest first
    assert lines[4].startswith("The article itself: date: 26 January 2022, 19:04 → 21 January 2022, 19:04")
    excerpt = article.statements[17].text[:40]
    assert any(
        line.startswith(f"Statement 18 “{excerpt}") and "organisation: the Syrian Observatory for Human Rights → the United Nations" in line
        for line in lines
    )
    assert any("Statement 5 “" in line and "visibility: shown → hidden" in line for line in lines)
    assert "speaker: اللواء جون برينان → أحمد الشرع، الرئيس السوري" in shown
    arabic = texts(corrections_list([(SLOT, article, list(reversed(made)))], "ar"))
    assert "التصحيحات: 6 تصحيحات، صفحة 1 من 1" in arabic and "الناشر: ناس ← رويترز (المشرف 42، " in arabic


def test_statement_excerpts_are_short(article: Article, made: list[Correction]) -> None:
    line = next(line for line in texts(corrections_list([(SLOT, article, made)], "en")).splitlines() if line.startswith("Statement 3 "))
    quoted = line.split("“", 1)[1].split("”", 1)[0]
    assert len(quoted) <= 60 and quoted.endswith("…") and article.statements[2].text.startswith(quoted[:-1])


def test_stale_invalid_and_missing_articles_are_marked(article: Article) -> None:
    stale = Correction(slot=SLOT, target="0123456789", field="speaker", value="أحد", admin_id=1, at=AT)
    invalid = Correction(slot=SLOT, target=statement_keys(article)[0], field="org", value="gone_org", admin_id=1, at=AT)
    gone = Correction(slot="gone.txt", field="outlet", value="x", admin_id=1, at=AT)
    shown = texts(corrections_list([(SLOT, article, [stale, invalid]), ("gone.txt", None, [gone])], "en"))
    assert "A statement no longer in the article (stale): speaker: now أحد" in shown
    assert "organisation: the US-led international coalition → gone_org (no longer valid: not applied)" in shown
    assert "Article gone.txt (no longer in the library)\nThe article itself: publisher: now x" in shown


def test_a_long_list_is_paged_by_slot_with_the_pager_on_the_latest_version(article: Article) -> None:
    groups = [
        (f"feed-{n:03}", article, [fix(article, str(i + 1), "speaker", f"متحدث {n}-{i}", slot=f"feed-{n:03}") for i in range(20)])
        for n in range(15)
    ]
    first = corrections_list(groups, "en", 1, latest_id=article.id)
    total = int(re.search(r"page 1 of (\d+)", first.text).group(1))  # type: ignore[union-attr]
    assert total > 2 and f"k|{article.id}|2" in buttons(first)
    pages = [first, *(corrections_list(groups, "en", n, latest_id=article.id) for n in range(2, total + 1))]
    assert all(tg_len(visible(p.text)) <= 4096 and check_html(p.text) == [] for p in pages)
    lines = [line for p in pages for line in visible(p.text).splitlines() if line.startswith("Statement ")]
    assert len(lines) == 15 * 20
    assert corrections_list(groups, "en", 1).keyboard is None  # no pager without a version to carry
    with pytest.raises(IndexError):
        corrections_list(groups, "en", total + 1)


def test_no_corrections_yet() -> None:
    assert "No corrections yet" in corrections_list([], "en").text
    assert corrections_list([("a.txt", None, [])], "ar").text.startswith("لا تصحيحات بعد")


# the answers -------------------------------------------------------------------------


def test_the_answer_says_what_the_article_now_shows(article: Article, made: list[Correction]) -> None:
    answers = [texts(correction_made(article, made, c, "en")) for c in made]
    assert answers == [
        "Statement 3: the speaker is now أحمد الشرع, الرئيس السوري.",
        "Statement 3 now has no organisation.",
        "Statement 5 is now hidden from readers.",
        "Statement 18: the organisation is now the United Nations.",
        "The article's date is now 21 January 2022, 19:04.",
        "The article's publisher is now رويترز.",
    ]
    posted = texts(correction_made(article, made, made[0], "ar", posted=True))
    assert posted == "التصريح 3: المتحدث الآن أحمد الشرع، الرئيس السوري. وسيُحدَّث الخبر المنشور: يُعدَّل منشوره في القناة، ويصل التحديث إلى المشتركين."


def test_the_answer_to_clearing_and_showing(article: Article) -> None:
    cleared = [fix(article, "outlet", "none", at=1), fix(article, "date", "none", at=2), fix(article, "5", "show", at=3)]
    assert [texts(correction_made(article, cleared, c, "en")) for c in cleared] == [
        "The article no longer names a publisher.",
        "The article no longer has a date.",
        "Statement 5 is shown to readers again.",
    ]


def test_the_answer_to_a_correction_taken_back(article: Article, made: list[Correction]) -> None:
    stale = Correction(slot=SLOT, target="0123456789", field="hidden", value="1", admin_id=1, at=AT)
    assert [texts(correction_removed(article, c, "en")) for c in (made[0], made[-1], stale)] == [
        "The correction of the speaker of statement 3 is taken back: it shows what was parsed again.",
        "The correction of the article's publisher is taken back: it shows what was parsed again.",
        "The correction of the visibility of a statement no longer in the article is taken back.",
    ]
    assert texts(correction_removed(None, made[0], "en", posted=True)).endswith("its subscribers sent the update.")


@pytest.mark.parametrize(
    ("args", "english", "arabic"),
    [
        (["4", "hide"], "There is no statement 4: the article's statements are numbered 1 to 3.", "ففي الخبر 3 تصريحات مرقّمة من 1 إلى 3."),
        (["٩", "hide"], "There is no statement 9:", "لا تصريح برقم 9،"),
        (["3", "colour"], "“colour” is neither a statement number nor one of", "الكلمة «colour» ليست رقم تصريح"),
        (["3", "org", "<nato>"], "No organisation is called “&lt;nato&gt;”. Known: coalition (the US-led international coalition), ", "الجهات المعروفة: coalition (التحالف الدولي)، "),
        (["date", "x"], "“x” is not a date: write it as 2022-01-21", "التاريخ «x» غير مفهوم"),
        (["speaker", "x"], "The speaker belongs to a statement", "المتحدث يخص تصريحاً بعينه"),
        (["3", "date", "x"], "The date is the article's, not a statement's: send /correct date", "التاريخ للخبر كله"),
        (["3", "org"], "The new organisation is missing.", "القيمة الجديدة ناقصة (الجهة)."),
        (["3"], "What should change in statement 3? Send /correct 3 followed by", "ماذا تريد أن تغيّر في التصريح 3؟"),
    ],
)
def test_what_was_wrong_in_the_admins_language(args: list[str], english: str, arabic: str) -> None:
    small = Article(
        title="خبر",
        paragraphs=("فقرة",),
        statements=tuple(Statement(text=f"قول {i}", form="direct", speaker="أحمد", paragraph=0) for i in range(3)),
    ).with_id()
    with pytest.raises(CorrectionError) as caught:
        parse_correction_args(small, args)
    assert english in correction_error(caught.value, "en").text
    assert arabic in correction_error(caught.value, "ar").text


@pytest.mark.parametrize(("count", "english"), [(0, "the article attributes none."), (1, "the article has only one, /correct 1.")])
def test_no_such_statement_counts_the_statements(count: int, english: str) -> None:
    error = CorrectionError("no_statement", "x", {"number": 5, "count": count})
    assert correction_error(error, "en").text == f"There is no statement 5: {english}"
    assert correction_error(error, "ar").text.startswith("لا تصريح برقم 5،")
