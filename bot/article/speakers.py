"""Who said it: resolving the speaker of each statement and the organisation they speak for.

- A verb with no subject (``وأضاف``، ``وتابع``) continues the previous speaker, and so do
  ``المصدر ذاته`` / ``البيان`` and the other phrases of ``speech.json``'s ``refer_back``.
- Mentions of one party are merged: a short form (``المرصد``، ``برينان``) joins the fuller one it
  is part of, and a role mentioned alone joins the later mention of the same role with a name
  (``قائد قوة المهام المشتركة … اللواء جون برينان``). The fullest form names them all.
- The organisation comes from ``organisations.json`` (names matched inside the speaker's words,
  short names only on their own), else from the article's own wording when the speaker's words
  hold an organisation head word (``مدير المرصد العراقي…``), else it is ``None``. When the
  speaker's words split into a role and a name, the organisation is looked for in the role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from bot.article import lexicon
from bot.article.arabic import normalise, words
from bot.article.lexicon import Organisation, contains_phrase
from bot.article.model import Statement
from bot.article.names import is_definite, name_length, opens_name, particle_span
from bot.article.quotes import RawStatement

_LOOSE_FROM = 5  # mentions of five words or more may differ in one (a preposition, a place)
# A mention is compared with the 64 parties named last, not with all: an article names a few dozen
# parties, and a hostile file with thousands of distinct speakers stays linear.
_LOOKBACK = 64


@dataclass
class _Party:
    """One speaker as the article names them, across mentions."""

    mentions: list[str] = field(default_factory=list)
    merged_into: _Party | None = None
    # mentions are only ever added: stems and the fullest mention are folded in as they come,
    # not recomputed over every mention for every statement (quadratic on long articles)
    _stem_set: set[str] = field(default_factory=set, init=False, repr=False)
    _stems_seen: int = field(default=0, init=False, repr=False)
    _fullest: tuple[tuple[int, int], str] | None = field(default=None, init=False, repr=False)
    _fullest_seen: int = field(default=0, init=False, repr=False)

    def root(self) -> _Party:
        party = self
        while party.merged_into is not None:
            party = party.merged_into
        return party

    @property
    def fullest(self) -> str:
        """The mention with the most words (then characters); the first of equals."""
        for mention in self.mentions[self._fullest_seen :]:
            key = (len(words(mention)), len(mention))
            if self._fullest is None or key > self._fullest[0]:
                self._fullest = (key, mention)
        self._fullest_seen = len(self.mentions)
        if self._fullest is None:
            raise ValueError("a party without mentions")
        return self._fullest[1]

    def stems(self) -> set[str]:
        """The stems of all mentions (do not modify the set returned)."""
        for mention in self.mentions[self._stems_seen :]:
            self._stem_set |= _stems(mention)
        self._stems_seen = len(self.mentions)
        return self._stem_set


def _stem(word: str) -> str:
    for prefix in ("بال", "لل", "ال"):  # not a bare و: it starts too many words (وزارة، وكالة)
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    for suffix in ("ات", "ه", "ون", "ين"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in words(text) if len(w) > 1}


def resolve(raw: list[RawStatement], full_text: str) -> list[Statement]:
    """Attach a resolved speaker, role and organisation to every raw statement."""
    speech = lexicon.speech()
    parties: list[_Party] = []
    owners: list[_Party | None] = []
    last: _Party | None = None
    anchor: tuple[_Party | None, int] = (None, -1)  # a clause's subject that said nothing yet (``وأيد X القرار``)
    for item in raw:
        party: _Party | None
        if item.subject is None or _refers_back(item.subject, speech.refer_back):
            # a participle speaks for the clause just before it, and so does a verb with no subject in
            # that clause's sentence (``ورحب X بالقرار وقال إن``); a later ``وأضاف`` for the last speaker,
            # or for the anchor when nobody has spoken yet
            near = item.by_participle or item.sentence == anchor[1]
            party = anchor[0] if near and anchor[0] is not None else (last or anchor[0])
        else:
            party = _match(parties, _issuer(item.subject))
            if party is None:
                party = _Party([_issuer(item.subject)])
                parties.append(party)
            elif _issuer(item.subject) not in party.mentions:  # repeats change nothing and made this quadratic
                party.mentions.append(_issuer(item.subject))
        owners.append(party)
        if item.form == "anchor":
            anchor = (party, item.sentence)
        else:
            anchor = (None, -1)  # a statement ends the anchor's clause
            if party is not None:
                last = party
    parties = _merge_roles(parties, owners)
    statements: list[Statement] = []
    seen: set[tuple[str, str]] = set()
    who: dict[str, tuple[str, str | None, str | None, str | None]] = {}  # a party speaks many times
    for item, party in zip(raw, owners, strict=True):
        if party is None or item.form == "anchor":  # an anchor names who speaks next, it says nothing
            continue
        fullest = party.root().fullest
        if fullest not in who:
            speaker, role = split_role(fullest)
            who[fullest] = (speaker, role, *_organisation(role or fullest, full_text, parties))
        speaker, role, org, org_id = who[fullest]
        key = (normalise(item.text), normalise(speaker))
        if key in seen:
            continue
        seen.add(key)
        statements.append(
            Statement(
                text=item.text,
                form="direct" if item.form == "direct" else "reported",
                speaker=speaker,
                role=role,
                org=org,
                org_id=org_id,
                paragraph=item.paragraph,
            )
        )
    return statements


def _organisation(fullest: str, full_text: str, parties: list[_Party]) -> tuple[str | None, str | None]:
    org, org_id = organisation_of(fullest, full_text)
    if org is not None and org_id is None:
        org = _named_body(org, parties) or org
    return org, org_id


def _issuer(subject: str) -> str:
    """``بيان للجيش العراقي`` -> ``الجيش العراقي``; ``تقرير صادر عن وزارة الصحة`` -> ``وزارة الصحة``."""
    tokens = subject.split()
    if len(tokens) < 2 or normalise(tokens[0]) not in lexicon.speech().documents:
        return subject
    rest = tokens[1:]
    if len(rest) > 2 and normalise(rest[0]) in ("صادر", "الصادر") and normalise(rest[1]) in ("عن", "من"):
        rest = rest[2:]
    elif normalise(rest[0]) in ("عن", "من") and len(rest) > 1:
        rest = rest[1:]
    elif rest[0].startswith("لل") and len(rest[0]) > 3:
        rest = ["ال" + rest[0][2:], *rest[1:]]
    elif rest[0].startswith("لـ") and len(rest[0]) > 2:
        rest = [rest[0][2:], *rest[1:]]
    elif rest[0].startswith("ل") and len(rest[0]) > 3 and not normalise(rest[0]).startswith("لل"):
        rest = [rest[0][1:], *rest[1:]]
    else:
        return subject
    return " ".join(rest)


def _named_body(org: str, parties: list[_Party]) -> str | None:
    """``الحركة`` in ``القيادي في الحركة`` is the body the article named before: ``حركة حماس``."""
    folded = words(org)
    if len(folded) != 1 or not folded[0].startswith("ال"):
        return None
    head = _stem(folded[0])
    for party in reversed(parties[-_LOOKBACK:]):
        name = party.root().fullest
        first = words(name)[:1]
        if first and not first[0].startswith("ال") and _stem(first[0]) == head and len(words(name)) > 1:
            return name
    return None


def _refers_back(subject: str, phrases: tuple[tuple[str, ...], ...]) -> bool:
    subject_words = tuple(words(subject))
    return any(subject_words == phrase for phrase in phrases)


def _match(parties: list[_Party], subject: str) -> _Party | None:
    """The most recent party this mention belongs to: a shorter or a fuller form of the same name."""
    mine = _stems(subject)
    if not mine:
        return None
    for party in reversed(parties[-_LOOKBACK:]):
        if _same(mine, party.stems()) and not _two_people(subject, party.fullest):
            return party
    return None


def _two_people(a: str, b: str) -> bool:
    """Two mentions that name different persons: both split into a role and a name, and the names
    share no word (``صالح العفالق رئيس الغرفة`` and ``خالد الصالح نائب رئيس الغرفة``)."""
    name_a, role_a = split_role(a)
    name_b, role_b = split_role(b)
    if role_a is None or role_b is None:
        return False
    return not set(words(name_a)) & set(words(name_b))


def _same(a: set[str], b: set[str]) -> bool:
    """One mention's words are (all but one, for long ones) among the other's: ``المرصد`` and
    ``المرصد السوري لحقوق الإنسان`` are one party, ``المرصد العراقي …`` and ``المرصد السوري …`` two."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    missing = len(small - large)
    return missing == 0 or (missing == 1 and len(small) >= _LOOSE_FROM)


def _merge_roles(parties: list[_Party], owners: list[_Party | None]) -> list[_Party]:
    """Merge parties whose mentions turn out to be the same (a role alone, later with a name)."""
    for i, party in enumerate(parties):
        if party.merged_into is not None:
            continue
        for j in range(i + 1, min(len(parties), i + 1 + _LOOKBACK)):
            other = parties[j]
            if other.merged_into is not None:
                continue
            a, b = party.stems(), other.stems()
            if not a or not b:
                continue
            if _same(a, b) and not _two_people(party.fullest, other.fullest):
                other.mentions.extend(party.mentions)
                party.merged_into = other
                break
    return parties


def split_role(fullest: str) -> tuple[str, str | None]:
    """Person and role: ``قائد قوة … اللواء جون برينان`` -> (``اللواء جون برينان``, ``قائد قوة …``).

    A title (``اللواء``، ``الدكتور``) starts the name; otherwise a role word (``مدير``، ``وزير``،
    ``المتحدث باسم``) followed by its organisation (definite words, a construct word, a dash, a
    particle inside the name: ``منظمة أطباء بلا حدود``) ends where a name of one to four plain
    words begins. ``عبد`` before a definite word starts the name (``مدير عام عبد الرحمن محمد``),
    and the compound counts as one of its words.
    """
    apposed = _split_at_comma(fullest)
    if apposed is not None:
        return apposed
    tokens = fullest.split()
    folded = [normalise(t) for t in tokens]
    speech = lexicon.speech()
    for honorific in speech.honorifics:
        at = contains_phrase(folded, honorific)
        if at > 0 and at + len(honorific) < len(tokens):  # a title with a name after it (not ``… القاضي``)
            role = " ".join(tokens[:at]).strip(" ،,-–—")
            return " ".join(tokens[at:]), role or None
    if not folded or folded[0] not in speech.roles:
        return _name_then_role(tokens, folded) or (fullest, None)
    i = 1
    construct = not folded[0].startswith("ال")  # ``قائد قوات``: an indefinite role word takes one bare word
    while i < len(tokens):
        word = folded[i]
        if opens_name(tokens, i) or (i + 1 < len(tokens) and folded[i + 1] in speech.name_links):
            break  # ``عبد الله``، ``حمد بن عبدالله``: a personal name starts here
        if span := particle_span(tokens, i):
            i += span
            construct = False
            continue
        if not word:  # a dash or other punctuation joins two parts of the role
            construct = True
        elif word in speech.role_connectors:
            construct = True
        elif is_definite(tokens[i]) or (word.startswith("ل") and i + 1 < len(tokens) and is_definite(tokens[i + 1])):
            construct = False
        elif construct or (not is_definite(tokens[i - 1]) and i + 1 < len(tokens) and is_definite(tokens[i + 1])):
            # a construct noun, or a link of a chain of bare nouns (مكتب تنسيق الشؤون); a role word
            # in construct takes a construct noun of its own (نائب مدير أمن عدن)
            construct = word in speech.roles
        elif particle_span(tokens, i + 1):
            construct = False  # a bare word the name goes on after (أطباء of أطباء بلا حدود)
        else:
            break
        i += 1
    name = tokens[i:]
    if 1 <= name_length(name) <= 4 and not any(normalise(t).startswith(("بال", "لل")) for t in name):
        return " ".join(name), " ".join(tokens[:i]).strip(" ،,-–—")
    return fullest, None  # ``مدير جامعة الملك فيصل بالأحساء``: a place after a preposition is no person


def _split_at_comma(fullest: str) -> tuple[str, str | None] | None:
    """``X، وزير الزراعة`` or ``الناطق باسم الوزارة، العقيد X``: a name and a role set apart by a comma."""
    parts = [p.strip() for p in fullest.replace(",", "،").split("،") if p.strip()]
    if len(parts) != 2:
        return None
    speech = lexicon.speech()
    first, second = (words(p) for p in parts)
    if not first or not second:
        return None
    if second[0] in speech.roles and first[0] not in speech.roles and len(first) <= 5:
        return parts[0], parts[1]
    if first[0] in speech.roles and len(second) <= 5:
        return parts[1], parts[0]
    return None


def _name_then_role(tokens: list[str], folded: list[str]) -> tuple[str, str] | None:
    """``سامنتا باور مندوبة الولايات المتحدة``: a name of one to four words (a title before it
    allowed), then a role word and what it is the role of."""
    speech = lexicon.speech()
    start = 0
    for honorific in speech.honorifics:
        if tuple(folded[: len(honorific)]) == honorific:
            start = len(honorific)
            break
    for k in range(start + 1, min(len(tokens) - 1, start + 5)):
        after = tokens[k + 1 :]
        if len(after) == 1 and not is_definite(after[0]):
            continue  # ``فؤاد قائد أحمد``: a role word inside a name
        if folded[k] in speech.roles and all(w not in speech.roles for w in folded[start:k]):
            if name_length(tokens[start:k]) > 4:
                return None
            name, role = split_role(" ".join(tokens[k:]))
            if role is not None:  # ``رفيق درب سعود الملحن سمير سعيد``: the role names its person after it
                return name, f"{' '.join(tokens[:k])} {role}".strip(" ،,-–—")
            return " ".join(tokens[:k]).strip(" ،,-–—"), " ".join(tokens[k:]).strip(" ،,-–—")
    return None


def organisation_of(speaker: str, full_text: str) -> tuple[str | None, str | None]:
    """``(organisation name, organisation id)`` for a speaker's fullest mention."""
    folded = words(speaker)
    best: tuple[int, Organisation] | None = None
    for org in lexicon.organisations():
        for name in org.names:
            at = contains_phrase(folded, name)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, org)
    if best is not None:
        return best[1].name, best[1].id
    for org in lexicon.organisations():
        if tuple(folded) in org.short:
            fuller = _fuller_mention(folded, org, full_text)
            if fuller is not None:
                return fuller, None
            if not _fits(org, full_text):
                return None, None  # ``التحالف`` in a report on Yemen: not the US-led coalition
            return org.name, org.id
    for kind in lexicon.organisation_kinds():
        at = contains_phrase(folded, kind)
        if at >= 0:
            tokens, owner = _tokens_of_words(speaker)
            start, end = owner[at], owner[at + len(kind) - 1] + 1
            phrase = _organisation_phrase(tokens, start, end - start)
            for org in lexicon.organisations():
                if tuple(words(phrase)) in org.short:  # ``مدير المرصد``: which observatory?
                    fuller = _fuller_mention(words(phrase), org, full_text)
                    if fuller is not None:
                        return fuller, None
                    return (org.name, org.id) if _fits(org, full_text) else (phrase, None)
            return phrase, None
    return _role_body(speaker), None


@lru_cache(maxsize=64)
def _fits(org: Organisation, full_text: str) -> bool:
    """Whether the article is one where ``org``'s short names mean it, once per organisation and article."""
    return org.fits(_text_words(full_text))


@lru_cache(maxsize=8)
def _text_words(full_text: str) -> list[str]:
    """The article's folded words, once per article (a str keeps its hash, so the lookup is cheap)."""
    return words(full_text)


def _role_body(role: str) -> str | None:
    """The body a role is the role of: ``أمين سوق عكاظ`` -> ``سوق عكاظ``, ``وزير العدل`` -> ``وزارة العدل``.

    The role words and their qualifiers (``المدير الإقليمي التنفيذي``) are dropped, the preposition
    before the body too (``للشؤون الصحية`` -> ``الشؤون الصحية``); a role word that has a body of its
    own (``speech.json``'s ``role_bodies``: وزير -> وزارة) names it. Nothing when only an adjective
    is left (``المندوب الروسي``).
    """
    speech = lexicon.speech()
    tokens = [t for t in role.split() if words(t)]
    folded = [normalise(t) for t in tokens]
    if not folded or folded[0] not in speech.roles:
        return None
    body = speech.role_bodies.get(folded[0])
    i = 1
    while i < len(tokens) and (folded[i] in speech.roles or folded[i] in speech.role_qualifiers):
        i += 1
    while i < len(tokens) and folded[i] in speech.role_connectors:
        i += 1
    rest = tokens[i:]
    if not rest or any(w in speech.former_qualifiers for w in folded):
        return None  # ``وزير الخارجية الأسبق``: a former minister speaks for no ministry
    if normalise(rest[0]) in speech.not_bodies:
        return None  # ``رئيس الوزراء``، ``رئيس الجمهورية``: an office, not a body of that name
    first = normalise(rest[0])
    if first.startswith("لل") and len(first) > 3:
        rest = ["ال" + rest[0][2:], *rest[1:]]
    elif first.startswith("بال") and len(first) > 4:
        rest = [rest[0][1:], *rest[1:]]
    head = normalise(rest[0])
    if head.startswith("ال") and head.endswith("ي"):
        return None  # ``المندوب الروسي``، ``الممثل الأميركي الخاص``: a nationality or a field, no body
    if len(rest) == 1 and not is_definite(rest[0]):
        return None  # ``قائد أحمد``: a name, not a body
    if body is not None:
        rest = [body, *(w + "ة" if normalise(w).startswith("ال") and normalise(w).endswith("ي") else w for w in rest)]
    return " ".join(rest).strip(" ،,-–—") or None


def _tokens_of_words(text: str) -> tuple[list[str], list[int]]:
    """The whitespace tokens of ``text`` that hold words, and for each of ``words(text)`` its token's index.

    ``words`` drops punctuation-only tokens and splits ``a/b`` in two, so its indexes are not
    those of ``text.split()``.
    """
    tokens = [token for token in text.split() if words(token)]
    owner = [i for i, token in enumerate(tokens) for _ in words(token)]
    return tokens, owner


def _organisation_phrase(tokens: list[str], at: int, head_len: int) -> str:
    """The organisation's name inside a speaker's words, from its head word on.

    After the head word come at most one bare word (the construct state: ``وزارة الصحة``،
    ``قوات سوريا``) and then only definite words (``العراقي``، ``لحقوق``، ``الإنسان``), or a
    particle inside the name with the word after it (``بلا حدود``، ``من أجل حقوق``); the first
    other word starts a person's name and ends the organisation.
    """
    end = at + head_len
    head_is_definite = normalise(tokens[at]).startswith("ال")
    if not head_is_definite and end < len(tokens):
        end += 1
    speech = lexicon.speech()
    while end < len(tokens):
        word = normalise(tokens[end])
        if word in speech.role_qualifiers or (word.startswith("وال") and end > at + head_len):
            break  # ``مجلس الشورى السابق والكاتب``: a qualifier or another role, not the name
        lam_genitive = word.startswith("ل") and end + 1 < len(tokens) and is_definite(tokens[end + 1])
        if is_definite(tokens[end]) or lam_genitive:
            end += 1
        elif span := particle_span(tokens, end):
            end += span
        else:
            break
    return " ".join(tokens[at:end]).strip(" ،,-–—")


def _fuller_mention(short: list[str], org: Organisation, full_text: str) -> str | None:
    """Another body the article names with the same head word: :func:`_fuller_mention_once`, cached."""
    return _fuller_mention_once(tuple(short), org, full_text)


@lru_cache(maxsize=256)
def _fuller_mention_once(short_words: tuple[str, ...], org: Organisation, full_text: str) -> str | None:
    """Another body the article names with the same head word (``المرصد العراقي`` beside ``المرصد``).

    Returns that fuller name when the article names exactly one such body and it is not one of
    ``org``'s own names, so a bare ``المرصد`` then means that body.
    """
    speech = lexicon.speech()
    short = list(short_words)
    text_words = _text_words(full_text)
    n = len(short)
    others: set[str] = set()
    own = False
    for i in range(len(text_words) - n):
        if text_words[i : i + n] != short:
            continue
        tail: list[str] = []
        for word in text_words[i + n : i + n + 4]:
            if word in speech.subject_stops or word in speech.complements or word in speech.verbs:
                break
            if word.isdigit():
                break
            tail.append(word)
        if not tail:
            continue
        candidate = tuple(short + tail)
        if any(contains_phrase(candidate, name) >= 0 for name in org.names):
            own = True
        elif _stem(tail[0]) not in {_stem(w) for name in org.names for w in name}:
            others.add(" ".join(candidate[: n + min(len(tail), 3)]))
    if own or len(others) != 1:
        return None
    return others.pop()
