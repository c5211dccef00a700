from __future__ import annotations

from bot.article.quotes import find_statements
from bot.article.speakers import organisation_of, resolve, split_role


def speakers(*paragraphs: str) -> list[tuple[str, str | None, str | None]]:
    found = resolve(find_statements(list(paragraphs)), "\n".join(paragraphs))
    return [(s.speaker, s.role, s.org) for s in found]


def test_an_unknown_organisation_keeps_the_words_after_a_particle() -> None:
    assert organisation_of("منظمة أطباء بلا حدود", "") == ("منظمة أطباء بلا حدود", None)
    assert organisation_of("جمعية أطباء ضد العنف", "") == ("جمعية أطباء ضد العنف", None)
    assert organisation_of("منظمة أطباء من أجل حقوق الإنسان", "") == ("منظمة أطباء من أجل حقوق الإنسان", None)
    assert organisation_of("مركز الحوار بين الأديان", "") == ("مركز الحوار بين الأديان", None)


def test_the_organisation_after_a_particle_still_ends_before_a_persons_name() -> None:
    got = speakers("وقال المتحدث باسم منظمة أطباء بلا حدود أحمد علي إن الوضع الصحي في المخيمات كارثي.")
    assert got == [("أحمد علي", "المتحدث باسم منظمة أطباء بلا حدود", "منظمة أطباء بلا حدود")]


def test_a_particle_that_is_an_everyday_adverb_does_not_join_a_complete_name() -> None:
    # ``عبر``/``دون`` after a name that is already whole start a clause, not more of the name
    assert organisation_of("الجيش دون الكشف", "") == ("الجيش", None)
    assert organisation_of("وزارة الصحة عبر الهاتف", "") == ("وزارة الصحة", None)
    assert organisation_of("منظمة أطباء عبر موقعها", "") == ("منظمة أطباء", None)


def test_whole_statements_keep_an_organisation_name_with_a_particle() -> None:
    got = speakers(
        "وقالت منظمة أطباء بلا حدود إن فرقها عالجت مئات الجرحى خلال الأسبوع.",
        "وأكدت شبكة صحفيون عبر الحدود أن ثلاثة مراسلين اعتقلوا في المدينة.",
        "وقالت الوزارة عبر بيان إن التحقيق ما زال مستمرا.",
    )
    assert got == [
        ("منظمة أطباء بلا حدود", None, "منظمة أطباء بلا حدود"),
        ("شبكة صحفيون عبر الحدود", None, "شبكة صحفيون عبر الحدود"),
        ("الوزارة", None, "الوزارة"),
    ]


def test_abd_before_a_definite_word_starts_a_name_not_a_chain_of_nouns() -> None:
    assert split_role("محافظ نينوى عبد القادر الدخيل") == ("عبد القادر الدخيل", "محافظ نينوى")
    assert split_role("مسؤول محلي عبد الله الزبيدي") == ("عبد الله الزبيدي", "مسؤول محلي")
    assert split_role("مدير عام عبد الرحمن محمد") == ("عبد الرحمن محمد", "مدير عام")
    assert split_role("المتحدث عبد الله الزبيدي") == ("عبد الله الزبيدي", "المتحدث")
    assert split_role("مدير المكتب عبد الرحمن محمد") == ("عبد الرحمن محمد", "مدير المكتب")


def test_a_compound_name_counts_as_one_word_of_the_name() -> None:
    assert split_role("المتحدث باسم الوزارة عبد الله بن عبد الكريم الزبيدي") == (
        "عبد الله بن عبد الكريم الزبيدي",
        "المتحدث باسم الوزارة",
    )


def test_the_organisation_of_a_role_does_not_run_into_the_name_after_it() -> None:
    got = speakers("وقال قائد قوات عبد الله الزبيدي إن الهجوم صُدّ بالكامل.")
    assert got == [("عبد الله الزبيدي", "قائد قوات", "قوات")]


def test_a_named_spokesman_with_abd_is_one_person_across_statements() -> None:
    got = speakers(
        "وقال محافظ نينوى عبد القادر الدخيل إن الطرق أعيد فتحها صباح اليوم.",
        "وأضاف الدخيل أن فرق الإغاثة وصلت إلى القرى المتضررة.",
    )
    assert got == [("عبد القادر الدخيل", "محافظ نينوى", None)] * 2


# Organisations outside wars, and bodies that look alike (issue 10), with sentences written for these tests.


def test_a_role_speaks_for_its_body() -> None:
    got = speakers(
        "وقال وزير الصحة السعودي فهد الجلاجل إن الحملة ستشمل كل المدن.",
        "وأكد أمين مهرجان الربيع سالم الدوسري أن الزوار تجاوزوا المليون.",
        "وقال المدير الإقليمي التنفيذي للشؤون الصحية بالحرس الوطني خالد العمر إن المستشفى جاهز.",
    )
    assert [g[2] for g in got] == ["وزارة الصحة السعودية", "مهرجان الربيع", "الشؤون الصحية بالحرس الوطني"]


def test_a_name_before_its_role() -> None:
    got = speakers("وقال نادر سليم عميد كلية الهندسة بالجامعة إن التسجيل مفتوح.")
    assert got == [("نادر سليم", "عميد كلية الهندسة بالجامعة", "كلية الهندسة بالجامعة")]


def test_a_private_citizen_or_a_nationality_speaks_for_no_body() -> None:
    got = speakers(
        "وقال المواطن علي حسن إن الأسعار ارتفعت كثيرا.",
        "وقال المندوب الروسي إن بلاده ستصوت ضد القرار.",
        "وقال فؤاد قائد أحمد إن القصف مستمر على الأحياء.",
    )
    assert [g[2] for g in got] == [None, None, None]


def test_the_coalition_in_yemen_is_not_the_us_led_coalition() -> None:
    yemen = speakers(
        "وقال المتحدث باسم التحالف إن الغارات استهدفت مواقع الحوثيين قرب صنعاء.",
    )
    assert yemen[0][2] != "التحالف الدولي"
    syria = speakers("وقال المتحدث باسم التحالف إن الغارات استهدفت مواقع داعش قرب الرقة.")
    assert syria[0][2] == "التحالف الدولي"


def test_another_observatory_or_an_article_outside_syria_is_not_the_syrian_observatory() -> None:
    iraq = speakers(
        "وقال المرصد العراقي لحقوق الإنسان إن النازحين يعانون.",
        "وأضاف المرصد أن المخيمات مكتظة في الموصل.",
    )
    assert [g[2] for g in iraq] == ["المرصد العراقي لحقوق الإنسان", "المرصد العراقي لحقوق الإنسان"]
    sport = speakers("وقال المرصد إن الموسم الرياضي شهد تراجعا في الحضور الجماهيري.")
    assert sport[0][2] != "المرصد السوري لحقوق الإنسان"


def test_speakers_that_are_not_speakers_are_cleaned_or_dropped() -> None:
    got = speakers(
        "وقال رئيس الاتحاد سالم الكعبي إن البطولة ستقام في موعدها.",
        "وقال الكعبي من جهته إن الملاعب جاهزة.",
        "وأوضحت منظمة مكافحة الألغام ومقرها جنيف أن الحقول تطهر ببطء.",
        "وقال عضو مجلس الشورى السابق والكاتب حمد بن عبدالله القاضي إن الحوار مطلوب.",
        "وقال مدير جامعة الملك فيصل بالأحساء إن الدراسة تبدأ الأحد.",
    )
    assert [g[0] for g in got] == [
        "سالم الكعبي",
        "سالم الكعبي",
        "منظمة مكافحة الألغام",
        "حمد بن عبدالله القاضي",
        "مدير جامعة الملك فيصل بالأحساء",
    ]
    assert got[3][2] == "مجلس الشورى"


def test_a_particle_or_a_verb_is_never_a_speaker() -> None:
    from bot.article.quotes import _clean_subject

    assert _clean_subject("يجب") is None
    assert _clean_subject("ربما توهم قارئ") is None
    assert _clean_subject("1) هكذا") is None
    assert _clean_subject("بيده") is None
    assert _clean_subject("الجيش الإسرائيلي الجمعة") == "الجيش الإسرائيلي"
    assert _clean_subject("فرومان من جهته") == "فرومان"
