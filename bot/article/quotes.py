"""Statements: who the article says said what, direct (in quote marks) or reported.

A statement is anchored on a speech verb (``قال``، ``أكد``، ``أشار``… with their prefixes and
forms, see ``bot/data/speech.json``) or a participle (``مبينا``، ``مشيرا``…) that continues the
same speaker, and needs a complement: ``أن``/``إن`` (with a pronoun or a lead-in such as
``إلى أن``), a colon, or a quotation right after the speaker. Without a complement nothing is a
statement, so an ambiguous word such as ``بين`` ("between") never becomes one by accident.
Quoted names (``"ناس"``، ``«النصرة»``) are not statements: a quotation counts only in the
complement position. The speaker's words end at a preposition, a time word, an adverb such as
``دون`` or another verb, except at a particle inside an organisation's name (``شبكة صحفيون عبر
الحدود``، ``مركز الحوار بين الأديان``, see :mod:`bot.article.names`).

This module finds raw statements (text, form, the speaker's words as written); speaker and
organisation resolution across the article lives in :mod:`bot.article.speakers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.article import lexicon
from bot.article.arabic import normalise_word
from bot.article.lexicon import contains_phrase
from bot.article.names import adverb_at, particle_span
from bot.article.sentences import QuoteSpan, quote_spans, sentence_bounds

_TOKEN = re.compile(r"(?:\w|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+|\S")
_COMMAS = {"،", ",", "؛", ";"}
_TRAILING = " \t.،,؛;:-–—"
_MAX_SUBJECT_WORDS = 14
_COMPLEMENT_WINDOW = 40
_NAME_WORDS = 6
_FRONTED_WORDS = 8
# استفعال، انفعال، افتعال، تفعيل، تفاعل، فعول (بهمزة أو واو): the shapes of the commonest verbal nouns
_VERBAL_NOUN = re.compile(r"است\w{3,}|ان\w{4}|ا\wت\wا\w|ت\w\wي\w|ت\wا\w\w|[^و]\wو\w")
_NOT_BA = frozenset({"بيان", "بيانه", "بيانها", "بعد", "بين", "بسبب", "بشان", "بحسب", "بدوره", "بدورها"})
_QUOTE_MARKS = str.maketrans("", "", '"«»“”„')
_OPEN_MARKS = frozenset('"«“„')
_CLOSE_MARKS = frozenset('"»”')
_MARKS = _OPEN_MARKS | _CLOSE_MARKS


@dataclass(frozen=True)
class RawStatement:
    """A statement as found in one sentence, before speakers are resolved."""

    text: str
    form: str
    subject: str | None
    paragraph: int
    continues: bool
    sentence: int = 0
    """The sentence's number in the article."""
    by_participle: bool = False
    """Found by a participle (``مشيرا``), which speaks for the subject of the clause before it."""


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    norm: str
    quote: QuoteSpan | None = None
    opens: bool = False

    @property
    def is_word(self) -> bool:
        return bool(self.norm)


def find_statements(paragraphs: list[str] | tuple[str, ...]) -> list[RawStatement]:
    """Every statement in the paragraphs, in article order."""
    triggers = lexicon.speech().triggers
    found: list[RawStatement] = []
    number = 0
    for index, paragraph in enumerate(paragraphs):
        for start, end in sentence_bounds(paragraph):
            sentence = paragraph[start:end]
            number += 1
            # most sentences hold no speech word at all: skip them before building tokens
            if not triggers.isdisjoint(map(normalise_word, _TOKEN.findall(sentence))):
                found.extend(replace(raw, sentence=number) for raw in _sentence_statements(sentence, index))
    return found


def _tokenise(sentence: str) -> list[_Token]:
    spans = quote_spans(sentence)
    tokens = [_Token(m.group(), m.start(), m.end(), normalise_word(m.group())) for m in _TOKEN.finditer(sentence)]
    k = 0  # tokens and spans both run in text order
    for token in tokens if spans else ():
        while k < len(spans) and spans[k].end < token.start:
            k += 1
        if k == len(spans):
            break
        if spans[k].start <= token.start:
            token.quote = spans[k]
            token.opens = token.start == spans[k].start
    return tokens


def _sentence_statements(sentence: str, paragraph: int) -> list[RawStatement]:
    tokens = _tokenise(sentence)
    speech = lexicon.speech()
    out: list[RawStatement] = []
    i = 0
    consumed_to = -1
    before = _quote_then_speaker(sentence, tokens, paragraph)
    if before is not None:
        out.append(before[0])
        consumed_to = before[1]
    while i < len(tokens):
        token = tokens[i]
        if token.quote is not None or token.start < consumed_to:
            i += 1
            continue
        is_participle = token.norm in speech.participles
        objects = speech.object_verbs.get(token.norm, frozenset())
        is_verb = token.norm in speech.verbs or (bool(objects) and not is_participle)
        relative = i > 0 and tokens[i - 1].norm in speech.relatives  # ``الذي يتوقع``: the subject is before
        if not (is_verb or is_participle) and i > 0 and tokens[i - 1].norm == "ما" and _verb_with_pronoun(token.norm):
            anchor = _subject(sentence, tokens, i + 1, frozenset())[0]
            if anchor is not None and _may_speak(anchor):  # ``وهو ما نفته مصادر سعودية، مؤكدة أن``
                out.append(RawStatement("", "anchor", _trim_anchor(anchor), paragraph, continues=False))
            i += 1
            continue
        if not (is_verb or is_participle) and token.norm in speech.stance_verbs and not relative:
            anchor = _fronted_subject(sentence, tokens, i) if not token.norm.startswith(("و", "ف")) else None
            anchor = anchor or _subject(sentence, tokens, _skip_addressee(tokens, i + 1), frozenset())[0]
            if anchor is not None and normalise_word(anchor.split()[0]).startswith("بال"):
                anchor = None  # ``وأشادتا بالقرار``: the object, the speaker is the one before
            if anchor is not None and _may_speak(anchor):  # ``وأيد المندوب … مشيرا إلى أن``: the participle's
                out.append(RawStatement("", "anchor", _trim_anchor(anchor), paragraph, continues=False))
            i += 1
            continue
        if not (is_verb or is_participle) or _after_according_to(tokens, i) or token.norm in speech.impersonal:
            i += 1
            continue
        subject_start = _skip_addressee(tokens, i + 1)
        subject_end = subject_start
        subject: str | None = None
        if is_verb and not relative:
            subject, subject_end = _subject(sentence, tokens, subject_start, objects - {""})
            if subject is None:
                subject = _fronted_subject(sentence, tokens, i)
        fronted = subject is not None and subject_end == subject_start
        found = None
        if "" in objects and subject is not None and not fronted and _verbal_noun(tokens[subject_start]):
            # ``ونفى وجود أي سلالة``: what looked like the subject is the object of a verb that goes on
            found = _long_enough(_reported(sentence, tokens, subject_start, form="reported"))
            if found is not None:
                subject, subject_end = _fronted_subject(sentence, tokens, i), subject_start
                fronted = subject is not None
        if (
            found is None
            and "" in objects
            and subject is not None
            and subject_end + 1 < len(tokens)
            and tokens[subject_end].text in _COMMAS
            and _verbal_noun(tokens[subject_end + 1])
            and _may_speak(subject)
        ):  # ``أكد X، مدرب الفريق، جاهزية لاعبيه``
            found = _long_enough(_reported(sentence, tokens, subject_end + 1, form="reported"))
        if found is None and "" in objects and (subject is None or fronted) and _object_word_at(tokens, subject_end):
            found = _long_enough(_reported(sentence, tokens, subject_end, form="reported"))  # ``مؤكدا حرص الجهات``
        if found is None and objects and _object_first(tokens, subject_end, objects):
            found = _object_complement(sentence, tokens, subject_end, objects, has_subject=subject is not None)
        if found is None and (token.norm in speech.verbs or is_participle):
            found = _complement(sentence, tokens, subject_end, has_subject=subject is not None)
        if found is None and objects and (token.norm in speech.verbs or is_participle):
            found = _object_complement(sentence, tokens, subject_end, objects, has_subject=subject is not None)
        if found is None and token.norm in speech.ba_verbs:
            found = _ba_complement(sentence, tokens, subject_end)
        if found is None and token.norm in speech.ba_verbs and subject is not None:
            split = _split_object(tokens, subject_start, subject_end, ba=True)  # ``أفاد المرصد بمقتل …``
            if split is not None and _may_speak(sentence[tokens[subject_start].start : tokens[split - 1].end]):
                subject = _clean_subject(sentence[tokens[subject_start].start : tokens[split - 1].end])
                found = _reported(sentence, tokens, split, form="reported")
        if found is None and "" in objects and subject is not None and not fronted:
            split = _split_object(tokens, subject_start, subject_end, ba=False)  # ``نفى الوزير وجود …``
            if split is not None and _may_speak(sentence[tokens[subject_start].start : tokens[split - 1].end]):
                subject = _clean_subject(sentence[tokens[subject_start].start : tokens[split - 1].end])
                found = _long_enough(_reported(sentence, tokens, split, form="reported"))
        if found is not None and token.norm in speech.quoting_verbs:
            subject = _quoted_source(tokens, sentence, subject_end, found[2]) or subject
        if found is None:
            if (
                subject is not None
                and (token.norm in speech.verbs or bool(objects))
                and "" not in objects
                and (token.norm not in speech.ambiguous or _speaker_like(subject))
                and not (i > 0 and tokens[i - 1].norm in speech.verb_particles)
            ):  # ``وقال X للصحفيين``: the participles after it are X's
                out.append(RawStatement("", "anchor", _trim_anchor(subject), paragraph, continues=False))
            i += 1
            continue
        text, form, end_char = found
        text = text.strip(_TRAILING)
        if len(text.split()) >= 2:
            if not fronted and not any(t.is_word for t in tokens[subject_start:subject_end]):  # ``وأضاف - أن``
                subject = None
            out.append(
                RawStatement(text, form, subject, paragraph, continues=subject is None, by_participle=is_participle)
            )
        consumed_to = end_char
        i += 1
    if not out:
        according = _according_to(sentence, tokens, paragraph)
        if according:
            out.append(according)
    return out


def _subject(
    sentence: str, tokens: list[_Token], start: int, stops: frozenset[str]
) -> tuple[str | None, int]:
    """The verb's subject as written (``None`` for none, or a date) and the index just past it."""
    end = _subject_end(tokens, start, stops=stops)
    if end > start:
        end = _appositive_end(tokens, start, end)
    if end <= start or _only_time_words(tokens, start, end):
        return None, end  # ``أعلن الأربعاء أن``: a date, not a speaker
    raw = sentence[tokens[start].start : tokens[end - 1].end]
    return _clean_subject(" ".join(raw.translate(_QUOTE_MARKS).split()).strip(_TRAILING)), end


def _appositive_end(tokens: list[_Token], start: int, end: int) -> int:
    """The subject goes on past a comma when a role or a name stands between two commas after it.

    ``قال سامي الحسن، وزير الزراعة الأردني، إن …`` (a role after the name) and ``قال الناطق باسم
    الوزارة، العقيد جو بوكينو، إن …`` (the name after the role): the part between the commas is the
    same person, and the clause goes on after the second comma.
    """
    speech = lexicon.speech()
    if end >= len(tokens) or tokens[end].text not in _COMMAS:
        return end
    k = end + 1
    segment: list[_Token] = []
    while k < len(tokens) and k < end + 12 and tokens[k].text not in _COMMAS:
        if tokens[k].quote is not None or tokens[k].norm in speech.verbs or tokens[k].norm in speech.complements:
            return end
        segment.append(tokens[k])
        k += 1
    if not segment or k >= len(tokens) or tokens[k].text not in _COMMAS or k + 1 >= len(tokens):
        return end
    after = tokens[k + 1]
    words = [t.norm for t in segment if t.is_word]
    if not words or _without_wa(words[0]) in speech.subject_stops or words[0] in speech.not_subjects:
        return end  # ``قائد الشرطة، في بيان، إنه``: an aside, not the person
    opens_role = words[0] in speech.roles
    goes_on = after.norm in speech.complements or after.norm in speech.complement_lead_ins or after.norm in speech.verbs
    if not (goes_on or (opens_role and (after.norm in speech.subject_stops or _verbal_noun(after)))):
        return end  # the clause must go on right after the second comma
    first_is_role = tokens[start].norm in speech.roles
    titled = any(words[: len(h)] == list(h) for h in speech.honorifics)
    if opens_role or ((first_is_role or titled) and 1 <= len(words) <= 5):
        return k
    return end


def _clean_subject(subject: str) -> str | None:
    """A speaker's words without what trails them (``فرومان من جهته``، ``X نفسه``), or ``None`` when
    what is left is no name, role or body: a particle or a verb (``يجب``، ``ربما``), a number, a
    lone word with a pronoun (``بيده``)."""
    speech = lexicon.speech()
    parts = subject.split()
    folded = [normalise_word(p) for p in parts]
    for tail in speech.subject_tails:
        if len(folded) > len(tail) and tuple(folded[-len(tail) :]) == tail:
            parts, folded = parts[: -len(tail)], folded[: -len(tail)]
            break
    while folded and (folded[-1] in speech.time_words or not folded[-1]):
        parts, folded = parts[:-1], folded[:-1]
    if not folded or not folded[0] or folded[0][0].isdigit() or folded[0] in speech.not_subjects:
        return None
    if len(folded) == 1 and folded[0] in speech.demonstratives:
        return None  # ``وأكد ذلك تقرير``: ``ذلك`` is the object, not who spoke
    if len(parts) == 1 and parts[0].endswith(("ه", "ها", "هم")) and not parts[0].endswith("ة"):
        if folded[0] not in speech.roles and len(folded[0]) <= 5:
            return None  # ``بيده``: a noun with a pronoun, no one who speaks
    return " ".join(parts).strip(_TRAILING) or None


def _trim_anchor(subject: str) -> str:
    """A non-speech verb's subject runs into its object: keep the role and a name of three words."""
    from bot.article.speakers import split_role  # speakers imports this module

    kept = subject.split()
    cut = next(
        (
            k
            for k in range(1, len(kept))
            if normalise_word(kept[k]).startswith("بال")
            or (normalise_word(kept[k]).startswith("ب") and normalise_word(kept[k - 1]).startswith("ال"))
        ),
        len(kept),
    )
    name, role = split_role(" ".join(kept[:cut]))  # ``رحب السفير X بالاتفاق``: the object goes
    parts = name.split()
    if role is not None:
        return f"{role} {' '.join(parts[:3])}"
    return " ".join(parts[:6] if normalise_word(parts[0]) in lexicon.speech().roles else parts[:3])


def _fronted_subject(sentence: str, tokens: list[_Token], i: int) -> str | None:
    """The subject before the verb: ``الملحن سمير سعيد، أشار إلى`` or ``أما الإعلامي X فقال``."""
    speech = lexicon.speech()
    if i > 3 * _FRONTED_WORDS:
        return None  # far from the sentence's start: no noun phrase of a few words before the verb
    before = [t for t in tokens[:i] if t.is_word]
    pluperfect = len(before) >= 3 and before[-1].norm in speech.pluperfect_particles
    if pluperfect and before[0].norm in speech.past_auxiliaries:
        words = before[1:-1]  # ``وكان رئيس النادي X قد كشف``: the subject between كان and قد
        text = sentence[words[0].start : words[-1].end]
        return _clean_subject(" ".join(text.translate(_QUOTE_MARKS).split()).strip(_TRAILING))
    if len(before) >= 3 and before[0].norm in speech.contrast_openers and before[-1].norm in speech.emphatic_particles:
        before = before[:-1]  # ``أما مركز وصول فقد نفى``
    elif before and before[-1].norm in speech.verb_particles:
        return None  # ``وقد رحب``: the particle belongs to the verb
    if not before or len(before) > _FRONTED_WORDS or any(t.norm in speech.verbs or t.quote is not None for t in before):
        return None
    first = before[0]
    emphatic = tokens[i].norm.startswith("ف") or tokens[i - 1].norm in speech.emphatic_particles
    if first.norm in speech.contrast_openers and emphatic:
        words = before[1:]
    elif i > 0 and tokens[i - 1].text in _COMMAS and not tokens[i].norm.startswith("ف"):
        bare = _without_wa(first.norm)
        if bare in speech.subject_stops or bare in speech.clause_openers or bare in speech.aside_openers:
            return None  # ``ومن جانبه،``، ``وفي السياق،``: an aside, not a subject
        words = before
    elif i > 0 and tokens[i - 1].is_word and not tokens[i].norm.startswith(("و", "ف")):
        # ``لكن الوزير عادل الجبير أكد``: a bare verb right after a noun phrase
        words = before
        while words and (words[0].norm in speech.contrast_openers or words[0].norm in speech.clause_openers
                         or words[0].norm in speech.complements):
            words = words[1:]
        if any(_without_wa(t.norm) in speech.subject_stops or t.norm in speech.relatives for t in words):
            return None  # ``وعن الحوار عبر المواقع قال``: an aside, not a noun phrase
    else:
        return None
    if not words or all(t.norm in speech.after_quote_openers or t.norm in speech.pronoun_subjects for t in words):
        return None  # ``وهو ما أكده``: a pronoun, not a noun phrase
    text = sentence[words[0].start : words[-1].end]
    return _clean_subject(" ".join(text.translate(_QUOTE_MARKS).split()).strip(_TRAILING))


def _subject_end(tokens: list[_Token], start: int, stops: frozenset[str] = frozenset()) -> int:
    """Index just past the verb's subject (``start`` when the verb has none).

    ``stops`` are the verb's own prepositions (``حذر … من``): the first one ends the subject.
    """
    speech = lexicon.speech()
    j = start
    words = 0
    while j < len(tokens):
        token = tokens[j]
        if token.opens and (_is_quoted_name(tokens, j) or _name_before_colon(tokens, j)):
            j = _skip_quote(tokens, j)  # «المرصد العراقي» as (part of) the subject
            words += 1
            continue
        if token.quote is not None or token.text in _COMMAS or token.text in _OPEN_MARKS or token.text in ":()[]":
            break
        if token.norm in speech.complements or (token.norm in stops and j > start and not _is_name_ali(token)):
            break
        if token.norm[:1].isdigit():
            break  # ``أعلنت الوزارة تسجيل 300 إصابة``: a count belongs to what was said
        if j > start + 1 and len(token.text) >= 5 and token.text.startswith("و") and token.text.endswith(("ها", "هم")):
            break  # ``منظمة حظر الأسلحة ومقرها لاهاي``: an aside about the body, not its name
        stop = token.norm in speech.subject_stops and not _is_name_ali(token) and not _role_connector(tokens, start, j)
        stop = stop or token.norm in speech.verbs or token.norm in speech.participles or _adverb(tokens, j)
        if stop:
            span = _name_particle(tokens, start, j)
            if not span:
                break
            j += span  # the particle and the name word after it
            words += span
            if words > _MAX_SUBJECT_WORDS:
                return start
            continue
        if token.is_word:
            words += 1
            if words > _MAX_SUBJECT_WORDS:
                return start
        j += 1
    return j


def _adverb(tokens: list[_Token], j: int) -> bool:
    """``دون`` in ``مسؤول دون الكشف عن اسمه``: a particle that starts a clause unless it is inside a name."""
    if tokens[j].norm not in lexicon.name_particles().starts:
        return False
    return adverb_at([t.text for t in tokens[j:]], 0)


def _name_particle(tokens: list[_Token], start: int, j: int) -> int:
    """``عبر`` in ``شبكة صحفيون عبر الحدود``: tokens a particle inside a name adds to the subject, or 0."""
    if tokens[j].norm not in lexicon.name_particles().starts:
        return 0
    return particle_span([t.text for t in tokens[start:]], j - start)


def _role_connector(tokens: list[_Token], start: int, j: int) -> bool:
    """``في`` right after a role word joins it to its organisation (``القيادي في الحركة``)."""
    speech = lexicon.speech()
    before = [t for t in tokens[start:j] if t.is_word]
    if tokens[j].norm != "في" or j + 1 >= len(tokens) or not before:
        return False
    nxt = tokens[j + 1].norm
    if (nxt,) in lexicon.organisation_kinds() and len(before) <= 2:
        return True  # ``مصدر عسكري في وزارة الدفاع``: the body the source speaks from
    # ``القيادي في الحركة``, not ``الوزير في كلمة``
    return len(before) == 1 and before[0].norm in speech.roles and nxt.startswith("ال")


def _is_quoted_name(tokens: list[_Token], j: int) -> bool:
    """A short quotation that the sentence goes on after with a word: a name, not what was said."""
    after = _skip_quote(tokens, j)
    inner = sum(1 for t in tokens[j:after] if t.is_word)
    return 0 < inner <= _NAME_WORDS and after < len(tokens) and tokens[after].is_word


def _name_before_colon(tokens: list[_Token], j: int) -> bool:
    """``قال "القاضي": …``: a quoted name of one or two words, then the colon that opens the words."""
    after = _skip_quote(tokens, j)
    return 0 < _quoted_words(tokens, j) <= 2 and after < len(tokens) and tokens[after].text == ":"


def _is_name_ali(token: _Token) -> bool:
    """``علي`` (a name) folds like ``على`` (a preposition); only the written ``ى`` is the preposition."""
    return token.norm == "علي" and not token.text.endswith("ى")


def _complement(sentence: str, tokens: list[_Token], start: int, *, has_subject: bool) -> tuple[str, str, int] | None:
    """Find what was said after the verb (and its subject): ``(text, form, end_char)``."""
    speech = lexicon.speech()
    limit = min(len(tokens), start + _COMPLEMENT_WINDOW)
    j = start
    if has_subject and j < len(tokens) and tokens[j].opens:
        return _direct(sentence, tokens[j])
    while j < limit:
        token = tokens[j]
        if token.quote is not None:
            if token.opens and not _is_quoted_name(tokens, j) and _quoted_words(tokens, j) >= 3:
                return _direct(sentence, token)  # ``قال في فيديو نشر الأحد "…"``
            j = _skip_quote(tokens, j)
            continue
        if token.text in _OPEN_MARKS:
            unpaired = _unpaired(sentence, tokens, j)  # a quotation that never closes in the sentence
            if unpaired is not None:
                return unpaired
            j += 1
            continue
        if (token.norm in speech.verbs or token.norm in speech.participles) and j > start:
            return None  # the next verb's clause is its own
        if token.text == ":":
            nxt = j + 1
            if nxt < len(tokens) and tokens[nxt].opens:
                return _direct(sentence, tokens[nxt])
            return _reported(sentence, tokens, nxt, form="direct")
        lead_in = token.norm in speech.complement_lead_ins and j + 1 < len(tokens)
        if token.norm in speech.complements or (lead_in and tokens[j + 1].norm in speech.complements):
            k = j + 2 if lead_in else j + 1
            while k < len(tokens) and tokens[k].text in _COMMAS:
                k += 1
            if k < len(tokens) and tokens[k].opens:
                return _direct(sentence, tokens[k])
            return _reported(sentence, tokens, k, form="reported")
        j += 1
    return None


def _ba_complement(sentence: str, tokens: list[_Token], start: int) -> tuple[str, str, int] | None:
    """``أفادت الوزارة بارتفاع عدد الضحايا…``: what was said, introduced by بـ."""
    for j in range(start, min(len(tokens), start + 8)):
        token = tokens[j]
        if token.quote is not None or token.text in _COMMAS:
            return None
        if token.norm.startswith("ب") and len(token.norm) >= 5 and token.norm not in _NOT_BA:
            return _reported(sentence, tokens, j, form="reported")
    return None


def _quoted_source(tokens: list[_Token], sentence: str, start: int, end_char: int) -> str | None:
    """``نقلت الهيئة عن مسؤول إسرائيلي قوله``: the source quoted is the one after عن."""
    speech = lexicon.speech()
    for j in range(start, len(tokens)):
        if tokens[j].start >= end_char:
            break
        if tokens[j].norm == "عن":
            for k in range(j + 1, min(len(tokens), j + 8)):
                if tokens[k].norm in speech.quote_nouns:
                    name = sentence[tokens[j + 1].start : tokens[k - 1].end] if k > j + 1 else ""
                    return " ".join(name.translate(_QUOTE_MARKS).split()) or None
            return None
    return None


def _skip_quote(tokens: list[_Token], j: int) -> int:
    span = tokens[j].quote
    while j < len(tokens) and tokens[j].quote is span:
        j += 1
    return j


def _direct(sentence: str, opener: _Token) -> tuple[str, str, int] | None:
    assert opener.quote is not None
    a, b = opener.quote.inner
    return sentence[a:b], "direct", opener.quote.end + 1


def _reported(sentence: str, tokens: list[_Token], k: int, *, form: str) -> tuple[str, str, int] | None:
    """Reported speech from token ``k`` to the end of its clause."""
    if k >= len(tokens):
        return None
    speech = lexicon.speech()
    end = len(tokens)
    for j in range(k, len(tokens)):
        token = tokens[j]
        if token.quote is not None:
            continue
        if j > k + 1 and token.norm in speech.verbs and tokens[j - 1].norm in speech.clause_openers:
            end = j - 1  # ``… فيما رأى X أن``: another speaker's clause begins
            break
        if token.text not in _COMMAS or j + 1 >= len(tokens):
            continue
        nxt = tokens[j + 1]
        if (
            nxt.norm in speech.participles
            or nxt.norm in speech.according_to
            or (nxt.norm in speech.clause_openers and j + 2 < len(tokens) and tokens[j + 2].norm in speech.verbs)
        ):
            end = j
            break
    start_char = tokens[k].start
    end_char = tokens[end - 1].end if end > k else start_char
    text = sentence[start_char:end_char]
    # A clause that is only a lead-in and one long quotation is that quotation, said directly.
    inner = [t for t in tokens[k:end] if t.is_word]
    quoted = [t for t in inner if t.quote is not None]
    if quoted:
        span = quoted[0].quote
        assert span is not None
        lead = [t for t in inner if t.quote is None and t.start < span.start]
        tail = [t for t in inner if t.quote is None and t.start > span.end]
        plain_lead = all(t.norm in speech.complements or t.norm in speech.complement_lead_ins for t in lead)
        if plain_lead and len(lead) <= 3 and not tail and len([t for t in quoted if t.quote is span]) >= 4:
            a, b = span.inner
            return sentence[a:b], "direct", span.end + 1
    return text, form, end_char


def _according_to(sentence: str, tokens: list[_Token], paragraph: int) -> RawStatement | None:
    """``بحسب X، فإن ...`` at the start, or ``...، بحسب X`` at the end of a sentence with no verb."""
    speech = lexicon.speech()
    words = [t for t in tokens if t.is_word]
    if not words:
        return None
    first = words[0]
    if first.norm in speech.according_to and first.quote is None:
        comma = next((t for t in tokens if t.text in _COMMAS and t.start > first.end), None)
        if comma is None:
            return None
        source = sentence[first.end : comma.start].strip(_TRAILING)
        source = re.sub(r"^(?:ل|لـ)\s*", "", source)
        rest = [t for t in tokens if t.start > comma.start]
        while rest and (rest[0].norm in speech.complements or rest[0].text in _COMMAS):
            rest = rest[1:]
        if not rest or not source or source.startswith(('"', "«")):
            return None
        text = sentence[rest[0].start :].strip(_TRAILING)
        return RawStatement(text, "reported", _strip_lam(source), paragraph, continues=False)
    for j, token in enumerate(tokens):
        if token.text in _COMMAS and j + 1 < len(tokens) and tokens[j + 1].norm in speech.according_to:
            source = _source_name(sentence[tokens[j + 1].end :])
            if not source or re.search(r"[A-Za-z]", source):
                return None
            if len(source.split()) > 8:
                return None
            text = sentence[: token.start].strip(_TRAILING)
            return RawStatement(text, "reported", _strip_lam(source), paragraph, continues=False)
    return None


def _source_name(text: str) -> str:
    """``ما أفاد «المرصد السوري»`` -> ``المرصد السوري``: the body named after ``وفق``/``بحسب``."""
    speech = lexicon.speech()
    parts = text.strip(_TRAILING).split()
    if len(parts) >= 2 and parts[0] == "ما" and normalise_word(parts[1]) in speech.verbs:
        parts = parts[2:]
    return " ".join(" ".join(parts).translate(_QUOTE_MARKS).split()).strip(_TRAILING)


def _strip_lam(source: str) -> str:
    """``لبيان المرصد`` -> ``بيان المرصد``: the preposition of ``وفقا لـ`` is not part of the name."""
    source = source.strip()
    if source.startswith("لـ"):
        return source[2:].strip()
    if source.startswith("لل"):
        return "ال" + source[2:]
    return source


def _quoted_words(tokens: list[_Token], j: int) -> int:
    return sum(1 for t in tokens[j : _skip_quote(tokens, j)] if t.is_word)


def _unpaired(sentence: str, tokens: list[_Token], j: int) -> tuple[str, str, int] | None:
    """An opening mark with no partner: the words after it to the next mark or the sentence's end."""
    k = j + 1
    while k < len(tokens) and tokens[k].text not in _MARKS and tokens[k].quote is None:
        k += 1
    inner = [t for t in tokens[j + 1 : k] if t.is_word]
    if len(inner) < 3 or any(t.norm in lexicon.speech().complements for t in inner[1:3]):
        return None  # ``لـ"الوطن إن …``: a name whose mark was left open, then the clause
    return sentence[inner[0].start : inner[-1].end], "direct", tokens[k - 1].end


def _skip_addressee(tokens: list[_Token], j: int) -> int:
    """``قال لـ"الاقتصادية" مصدر``: the paper or agency spoken to comes before the subject."""
    if j < len(tokens) and tokens[j].norm in ("ل", "لـ") and j + 1 < len(tokens) and tokens[j + 1].opens:
        return _skip_quote(tokens, j + 1)
    if j < len(tokens) and tokens[j].norm in ("ل", "لـ") and j + 1 < len(tokens) and tokens[j + 1].text in _OPEN_MARKS:
        k = j + 2
        while k < len(tokens) and k < j + 6 and tokens[k].text not in _CLOSE_MARKS:
            k += 1
        return k + 1 if k < len(tokens) and tokens[k].text in _CLOSE_MARKS else j
    return j


def _only_time_words(tokens: list[_Token], start: int, end: int) -> bool:
    """The subject is a day or a time (``يوم``، ``الأربعاء``، ``امس``), not who spoke."""
    speech = lexicon.speech()
    words = [t for t in tokens[start:end] if t.is_word]
    return bool(words) and all(t.norm in speech.time_words for t in words)


def _object_first(tokens: list[_Token], j: int, objects: frozenset[str]) -> bool:
    """The verb's preposition comes right after the subject (``حذر X من …``), not a complementizer."""
    speech = lexicon.speech()
    while j < len(tokens) and tokens[j].text in _COMMAS:
        j += 1
    if j + 1 >= len(tokens):
        return False
    return tokens[j].norm in objects and tokens[j + 1].norm not in speech.complements


def _object_complement(
    sentence: str, tokens: list[_Token], start: int, objects: frozenset[str], *, has_subject: bool
) -> tuple[str, str, int] | None:
    """What was said as a noun after the verb's preposition: ``حذرت الجهات من حدوث كارثة``.

    The preposition may follow the subject after a short aside (``في بيانه الذي بثته الوكالة``);
    a direct object (``توقع تراجع الأسعار``) is taken only right after a verb with no subject.
    """
    speech = lexicon.speech()
    j = start
    while j < len(tokens) and tokens[j].text in _COMMAS:
        j += 1
    if "" in objects and not has_subject and j < len(tokens) and _object_word(tokens[j]):
        return _long_enough(_reported(sentence, tokens, j, form="reported"))
    limit = min(len(tokens), j + 12)
    while j < limit:
        token = tokens[j]
        if token.quote is not None or token.norm in speech.verbs or token.norm in speech.complements:
            return None
        if token.norm in objects and token.norm and j + 1 < len(tokens):
            nxt = tokens[j + 1]
            if nxt.opens:
                return _direct(sentence, nxt)
            if nxt.is_word and nxt.norm not in speech.complements:
                return _long_enough(_reported(sentence, tokens, j + 1, form="reported"))
            return None
        j += 1
    return None


def _object_word_at(tokens: list[_Token], j: int) -> bool:
    """A bare noun right after the verb: the start of a direct object, not a name, particle or clause."""
    speech = lexicon.speech()
    if j >= len(tokens) or not tokens[j].is_word or tokens[j].quote is not None:
        return False
    norm = tokens[j].norm
    if norm.startswith(("ال", "لل", "بال")) or norm in speech.roles or norm in speech.stance_verbs:
        return False
    return _object_word(tokens[j]) and norm not in speech.verbs and norm not in speech.time_words


def _object_word(token: _Token) -> bool:
    """A noun that can open a direct object: a word that is no particle, preposition or time word."""
    speech = lexicon.speech()
    if not token.is_word and not token.opens:
        return False
    return token.opens or (token.norm not in speech.subject_stops and token.norm not in speech.complements)


def _quote_then_speaker(sentence: str, tokens: list[_Token], paragraph: int) -> tuple[RawStatement, int] | None:
    """``"…"، هذا هو موقف X`` or ``«…»، قال X``: a sentence that opens with the words, the speaker after."""
    speech = lexicon.speech()
    first = next((t for t in tokens if t.is_word or t.opens), None)
    if first is None or not first.opens or first.quote is None or _quoted_words(tokens, tokens.index(first)) < 3:
        return None
    j = _skip_quote(tokens, tokens.index(first))
    while j < len(tokens) and (tokens[j].text in _COMMAS or tokens[j].norm in speech.after_quote_openers):
        j += 1
    if j >= len(tokens):
        return None
    k = j
    for phrase in speech.after_quote:
        n = len(phrase)
        if tuple(t.norm for t in tokens[j : j + n]) == phrase:
            k = j + n
            break
    else:
        if tokens[j].norm not in speech.verbs:
            return None
        k = j + 1
    end = _subject_end(tokens, k)
    if end <= k:
        return None
    subject = " ".join(sentence[tokens[k].start : tokens[end - 1].end].translate(_QUOTE_MARKS).split()).strip(_TRAILING)
    if not subject:
        return None
    a, b = first.quote.inner
    statement = RawStatement(sentence[a:b].strip(_TRAILING), "direct", subject, paragraph, continues=False)
    return statement, tokens[end - 1].end


def _verb_with_pronoun(norm: str) -> bool:
    """``نفته``، ``أكده``، ``يرفضه``: a speech or stance verb carrying the pronoun of a preceding ``ما``."""
    speech = lexicon.speech()
    for suffix in ("ها", "ه"):
        stem = norm[: -len(suffix)]
        if norm.endswith(suffix) and len(stem) >= 2:
            for form in (stem, stem[:-1] + "ت" if stem.endswith("ت") else stem, stem + "ى", stem[:-1] + "ى"):
                if form in speech.verbs or form in speech.stance_verbs:
                    return True
    return False


def _after_according_to(tokens: list[_Token], i: int) -> bool:
    """``وفق ما أفاد «المرصد»``: the verb names the source of ``وفق``, it introduces nothing."""
    speech = lexicon.speech()
    return i >= 2 and tokens[i - 1].norm == "ما" and tokens[i - 2].norm in speech.according_to


def _without_wa(norm: str) -> str:
    return norm[1:] if norm.startswith("و") and len(norm) > 2 else norm


def _may_speak(subject: str) -> bool:
    """Someone who says things: a role, a title, people, a body, or a personal name of bare words
    (``نفى الوزير``، ``توقعت النقابة``، ``نفى أحمد حسن``), not ``الفحوص المخبرية`` or ``الحريق``."""
    if _speaker_like(subject):
        return True
    folded = [normalise_word(w) for w in subject.split() if normalise_word(w)]
    if any((w,) in lexicon.organisation_kinds() for w in folded):
        return True
    if any(contains_phrase(folded, name) >= 0 for org in lexicon.organisations() for name in org.names):
        return True
    if len(folded) == 1:  # ``ريفيلين``: a name of one word, not a verbal noun or a definite thing
        word = subject.split()[0]
        return not folded[0].startswith("ال") and not _verbal_noun(_Token(word, 0, len(word), folded[0]))
    return 2 <= len(folded) <= 4 and not any(w.startswith("ال") for w in folded[:1])


def _speaker_like(subject: str) -> bool:
    """A role, an honorific or a word for people (``عدد من المواطنين``): someone who may speak."""
    speech = lexicon.speech()
    folded = [normalise_word(w) for w in subject.split()]
    if any(w in speech.roles or w in speech.people_words for w in folded):
        return True
    return any(contains_phrase(folded, honorific) >= 0 for honorific in speech.honorifics)


def _split_object(tokens: list[_Token], start: int, end: int, *, ba: bool) -> int | None:
    """Where the object begins inside what was read as the subject, or ``None``.

    ``نفى الوزير وجود أي نية``، ``توقعت النقابة ارتفاع الإنتاج``: after a subject of at least one
    word, a verbal noun (``object_nouns``, a possessive ending ``مشاركتها``، or the shape of a verbal
    noun: استفعال، انفعال، افتعال، تفعيل، تفاعل، فعول) opens the object; with ``ba`` (أفاد، طالب)
    a word with بـ does. A word right after a role or a title is a name, never the object.
    """
    speech = lexicon.speech()
    for k in range(start + 1, end):
        token, before = tokens[k], tokens[k - 1]
        if not token.is_word or not before.is_word:
            continue
        if before.norm in speech.roles and not (
            not ba and (token.norm in speech.object_nouns or _possessive_stem(token) >= 5)
        ):
            continue  # ``الوزير محمد``: a name after a role, but ``الوزير وجود``، ``الوزير استقالته`` open the object
        if before.norm in speech.subject_stops:
            continue  # right after a particle: still inside the object (``استقالته من منصبه``)
        if any(before.norm == h[-1] for h in speech.honorifics):
            continue
        norm = token.norm
        if ba:
            if norm.startswith("ب") and len(norm) >= 5 and norm not in _NOT_BA and not norm.startswith("بن"):
                return k
            continue
        if _verbal_noun(token):
            return k
    return None


def _verbal_noun(token: _Token) -> bool:
    """A word shaped like a verbal noun, or one of ``speech.json``'s ``object_nouns``."""
    norm = token.norm
    if norm in lexicon.speech().object_nouns:
        return True
    if norm.startswith("ال"):
        return False
    if _possessive_stem(token) >= 5:
        return True  # ``مشاركتها``، ``استقالته``: a noun with its owner (not ``نشرته``, a verb)
    return _VERBAL_NOUN.fullmatch(norm) is not None


def _possessive_stem(token: _Token) -> int:
    """Letters before a possessive pronoun (``مشاركتها`` -> 6), or 0 when the word has none."""
    for suffix in lexicon.speech().pronoun_suffixes:
        if token.text.endswith(suffix) and not token.text.endswith("ة"):
            return len(token.norm) - len(suffix)
    return 0


def _long_enough(found: tuple[str, str, int] | None) -> tuple[str, str, int] | None:
    """A noun object of three words or more carries a claim; ``تلك الأماكن`` does not."""
    return found if found is not None and len(found[0].split()) >= 3 else None
