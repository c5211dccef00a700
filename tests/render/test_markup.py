from __future__ import annotations

import copy
import pickle

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from bot.render.markup import NO_PREVIEW, Keyboard

ROWS = [[InlineKeyboardButton("التالي", callback_data="f|abc|2")], [InlineKeyboardButton("رابط", url="https://t.me/x")]]


def test_the_dict_is_ptbs_own_and_is_built_once() -> None:
    keyboard = Keyboard(ROWS)
    assert keyboard.to_dict() == InlineKeyboardMarkup(ROWS).to_dict()
    assert keyboard.to_dict() is keyboard.to_dict()
    assert keyboard == InlineKeyboardMarkup(ROWS)
    assert keyboard.to_json() == InlineKeyboardMarkup(ROWS).to_json()


def test_copies_made_before_or_after_the_first_call_serialise_alike() -> None:
    expected = InlineKeyboardMarkup(ROWS).to_dict()
    fresh = Keyboard(ROWS)
    made_before = [copy.copy(fresh), copy.deepcopy(fresh), pickle.loads(pickle.dumps(fresh))]
    assert fresh.to_dict() == expected
    made_after = [copy.copy(fresh), copy.deepcopy(fresh), pickle.loads(pickle.dumps(fresh))]
    assert all(k.to_dict() == expected for k in made_before + made_after)


def test_the_preview_options_are_a_plain_ptb_object() -> None:
    # PTB's Defaults merge preview options through the exact class's __slots__: it must stay a plain object
    assert type(NO_PREVIEW) is LinkPreviewOptions and NO_PREVIEW.to_dict() == {"is_disabled": True}
