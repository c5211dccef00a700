from __future__ import annotations

from bot.article.sentences import quote_spans, split_sentences


def test_does_not_split_inside_quotes_numbers_or_at_commas() -> None:
    text = 'قال: "الوضع خطير. نحن نعمل"، وأضاف أن الموعد 2022.01.26 ثابت. انتهى الاجتماع؟ نعم.'
    assert split_sentences(text) == [
        'قال: "الوضع خطير. نحن نعمل"، وأضاف أن الموعد 2022.01.26 ثابت.',
        "انتهى الاجتماع؟",
        "نعم.",
    ]


def test_double_dot_is_a_pause_and_guillemets_nest() -> None:
    assert split_sentences("تغطية حراك.. لحظة بلحظة") == ["تغطية حراك.. لحظة بلحظة"]
    text = "قال «إن «الجبهة» انسحبت. ولن تعود» ثم غادر. وانتهى."
    assert split_sentences(text) == ["قال «إن «الجبهة» انسحبت. ولن تعود» ثم غادر.", "وانتهى."]
    assert len(quote_spans(text)) == 1


def test_unbalanced_quote_does_not_swallow_text() -> None:
    assert split_sentences('قال "شيئا. ثم ذهب.') == ['قال "شيئا.', "ثم ذهب."]
