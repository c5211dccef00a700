from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.article import load_article, parse_bytes
from bot.article.model import Article
from bot.errors import EncodingError, NoBodyError, SourceError

from .conftest import OTHER_OUTLET


def test_encodings_give_the_same_article(tmp_path: Path) -> None:
    reference = parse_bytes(OTHER_OUTLET.encode("utf-8"))
    for data in (
        b"\xef\xbb\xbf" + OTHER_OUTLET.encode("utf-8"),
        OTHER_OUTLET.encode("cp1256", errors="strict"),
        OTHER_OUTLET.encode("utf-16"),
    ):
        assert parse_bytes(data) == reference


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", SourceError, "empty"),
        (b"   \n\n ", SourceError, "empty"),
        (b"\x00\x01\x02binary\x00" * 50, SourceError, "binary"),
        (bytes(range(128, 256)) * 20, EncodingError, "UTF-8"),
        (b"Home\nLogin\nContact us\n", NoBodyError, "body"),
    ],
)
def test_bad_content(content: bytes, error: type[Exception], words: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        load_article(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        load_article(tmp_path / "nope.txt")
    with pytest.raises(SourceError, match="directory"):
        load_article(tmp_path)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60)


def test_cli_parse_default_prints_json() -> None:
    result = run_cli("parse")
    assert result.returncode == 0
    assert '"title": "تعليق جديد من التحالف الدولي حول أحداث الحسكة"' in result.stdout


@pytest.mark.parametrize("content", [None, b"", b"\x00\x00\xff" * 100, bytes(range(128, 256)) * 10, b"{not json"])
def test_cli_errors_are_one_line_exit_2(content: bytes | None, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    result = run_cli("parse", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_directory_is_an_error(tmp_path: Path) -> None:
    result = run_cli("parse", str(tmp_path))
    assert result.returncode == 2 and "directory" in result.stderr


def test_the_id_in_a_json_article_is_recomputed_whatever_it_holds() -> None:
    from bot.article.model import Article

    plain = Article.from_json('{"title": "t", "paragraphs": ["x"]}')
    for written in ('"stale"', "42", "null", "[]"):
        assert Article.from_json('{"id": ' + written + ', "title": "t", "paragraphs": ["x"]}') == plain
    assert plain.id and Article(id="kept", title="t", paragraphs=("x",)).id == "kept"


def test_url_and_image_round_trip_and_count_in_the_id(article: object) -> None:
    from bot.article.model import Article

    assert isinstance(article, Article)
    old = Article.from_json(article.to_json().replace('"url": null,', "").replace('"image": null,', ""))
    assert old == article and (old.url, old.image) == (None, None)  # JSON written before the fields loads
    linked = article.model_copy(update={"url": "https://news.example.net/a/1"})
    pictured = article.model_copy(update={"url": "https://news.example.net/a/1", "image": "https://cdn.example.net/1.jpg"})
    again = Article.from_json(pictured.to_json())
    assert (again.url, again.image) == (pictured.url, pictured.image)
    ids = {Article.from_json(a.to_json()).id for a in (article, linked, pictured)}
    assert len(ids) == 3 and article.id in ids  # a new link or picture is a new version; none keeps the old id


def test_a_hand_correction_of_anything_shown_is_a_new_version() -> None:
    article = load_article()
    again = Article.from_json(article.to_json())
    assert again.id == article.id  # the round trip keeps the id
    corrections = [
        {"summary": ["ملخص صححه المحرر بيده."]},
        {"published": "2022-01-27T10:00:00+03:00"},
        {"outlet": "وكالة أخرى"},
        {"dateline": {"place": "دمشق", "agency": "ناس"}},
        {"credited_sources": ["AFP"]},
    ]
    import json

    ids = set()
    for change in corrections:
        data = json.loads(article.to_json())
        data.update(change)
        ids.add(Article.from_json(json.dumps(data, ensure_ascii=False)).id)
    data = json.loads(article.to_json())
    data["statements"][0]["role"] = "دور صححه المحرر"
    ids.add(Article.from_json(json.dumps(data, ensure_ascii=False)).id)
    assert article.id not in ids and len(ids) == len(corrections) + 1
