"""Selfscan as an operator gets it: a wheel built from the files the Containerfile copies,
installed into a fresh virtual environment in another folder, used without the checkout.

Slow (a wheel build and a venv with every dependency, once per run): `-m "not package"` skips it
while working on something else; CI runs it.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from conftest import throwaway_database
from selfscan.infra.config import PROJECT_ROOT

pytestmark = pytest.mark.package

CONTAINERFILE = PROJECT_ROOT / "Containerfile"
VERSION = version("selfscan")
HEAD = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()


# --- the Containerfile, read as data ---------------------------------------------------------


def stages(text: str) -> list[list[tuple[str, str]]]:
    """The Containerfile's stages, each a list of (INSTRUCTION, arguments), comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    found: list[list[tuple[str, str]]] = [[]]  # the first holds what comes before any FROM
    for line in re.sub(r"\\\n", " ", "\n".join(lines)).splitlines():
        if not line.strip():
            continue
        word, _, arguments = line.strip().partition(" ")
        if word.upper() == "FROM":
            found.append([])
        found[-1].append((word.upper(), arguments.strip()))
    return found[1:]


BUILD_STAGE, IMAGE_STAGE = (lambda s: (s[0], s[-1]))(stages(CONTAINERFILE.read_text()))


def arguments_of(stage: list[tuple[str, str]], instruction: str) -> list[str]:
    return [arguments for word, arguments in stage if word == instruction]


# --- building and installing -----------------------------------------------------------------


@dataclass(frozen=True)
class Installation:
    venv: Path
    folder: Path  # readable by every user, like an image's /opt

    def env(self, **settings: str) -> dict[str, str]:
        """The environment of a fresh shell with this venv first on PATH: no SELFSCAN_* settings
        of the test run, no PYTHONPATH leading back to the checkout."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("SELFSCAN_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}
        }
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
        return {**env, **settings}


def run(args: list[str], *, env: dict[str, str], cwd: Path, user: int | None = None) -> str:
    result = subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, check=False, user=user
    )
    assert result.returncode == 0, f"{shlex.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def shared_python() -> str:
    """A Python 3.11+ outside anyone's home, which every user may run (as the image's is); else
    the one running the tests."""
    for candidate in ("/usr/local/bin/python3", "/usr/bin/python3"):
        check = "import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))"
        if (
            os.access(candidate, os.X_OK)
            and subprocess.run([candidate, "-c", check]).returncode == 0
        ):
            return candidate
    return sys.executable


@pytest.fixture(scope="session")
def installation() -> Iterator[Installation]:
    """The wheel, built as the Containerfile's first stage builds it, in a fresh venv."""
    folder = Path(tempfile.mkdtemp(prefix="selfscan-package-"))
    folder.chmod(0o755)
    try:
        context = folder / "context"
        context.mkdir()
        for arguments in arguments_of(BUILD_STAGE, "COPY"):
            *sources, destination = arguments.split()
            for source in sources:
                assert destination in {"./", source}, f"COPY {arguments}: the test copies alike"
                if (PROJECT_ROOT / source).is_dir():
                    shutil.copytree(
                        PROJECT_ROOT / source,
                        context / source,
                        ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
                    )
                else:
                    shutil.copy2(PROJECT_ROOT / source, context / source)
        assert any("python -m build --outdir" in r for r in arguments_of(BUILD_STAGE, "RUN"))
        subprocess.run(
            [sys.executable, "-m", "build", "--outdir", str(folder / "dist"), str(context)],
            check=True,
            capture_output=True,
        )
        (wheel,) = (folder / "dist").glob("*.whl")
        venv = folder / "venv"
        subprocess.run([shared_python(), "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [venv / "bin" / "pip", "install", "--quiet", "--no-cache-dir", str(wheel)], check=True
        )
        yield Installation(venv=venv, folder=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- serving ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Requests to a served Selfscan with one cookie jar."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 (a local URL)

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=data))  # noqa: S310

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def wait_until_up(self, server: subprocess.Popen[bytes], log: Path) -> None:
        for _ in range(300):
            assert server.poll() is None, f"the server stopped:\n{log.read_text()}"
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"no answer from /health:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> int:
    server.terminate()
    try:
        return server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        raise


def sign_in(browser: Browser, email: str, password: str) -> str:
    status, page = browser.get("/inloggen")
    assert status == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, page
    status, _ = browser.post(
        "/inloggen", {"csrf_token": token.group(1), "email": email, "password": password}
    )
    assert status == 200
    return browser.get("/")[1]


# --- the tests --------------------------------------------------------------------------------


def test_the_wheel_installed_elsewhere_migrates_loads_fills_and_serves(
    installation: Installation, tmp_path: Path
):
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = installation.env()
    imported = run(
        ["python", "-c", "import selfscan; print(selfscan.__file__)"], env=env, cwd=workdir
    )
    assert Path(imported.strip()).is_relative_to(installation.venv), "not the installed package"
    assert run(["selfscan", "--version"], env=env, cwd=workdir) == f"selfscan {VERSION}\n"

    port = _free_port()
    with throwaway_database(tmp_path) as url:
        env = installation.env(
            SELFSCAN_DATABASE_URL=url,
            SELFSCAN_SECRET_KEY="package-test-secret-0123456789abcdef",
            SELFSCAN_SECURE_COOKIES="0",
            SELFSCAN_BASE_URL=f"http://127.0.0.1:{port}",
            SELFSCAN_BIND=f"127.0.0.1:{port}",
            HOME=str(workdir),  # gunicorn's control socket goes there
        )
        upgraded = run(["selfscan", "db", "upgrade"], env=env, cwd=workdir)
        assert upgraded == f"Database at revision {HEAD}.\n"
        loaded = run(["selfscan", "questionnaires", "load"], env=env, cwd=workdir)
        assert loaded.split() == ["added", "zelfscan-mao", "v1", "added", "zelfscan-mao", "v2"]
        demo = run(["selfscan", "demo"], env=env, cwd=workdir)
        assert "programma@demo.selfscan.nl" in demo and f"127.0.0.1:{port}/i/" in demo

        log = tmp_path / "gunicorn.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                [
                    "gunicorn",
                    "--config",
                    "python:selfscan.infra.gunicorn_config",
                    "selfscan:create_app()",
                ],
                env=env,
                cwd=workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            browser = Browser(f"http://127.0.0.1:{port}")
            browser.wait_until_up(server, log)
            assert json.loads(browser.get("/health")[1]) == {"status": "ok", "version": VERSION}
            status, page = browser.get("/inloggen")
            assert status == 200
            assert "Inloggen" in page, "the compiled Dutch catalogue is missing"
            assert f"Selfscan {VERSION}" in page
            start = sign_in(browser, "programma@demo.selfscan.nl", "demo-programma-2026")
            assert "Welkom, Programmateam Met Andere Ogen" in start and "Regio Twente" in start
        finally:
            assert stop(server) == 0, log.read_text()
    installed = installation.venv / "lib"
    assert not list(installed.glob("python*/site-packages/instance")), "wrote into site-packages"


def test_an_installed_selfscan_keeps_its_default_database_in_the_working_folder(
    installation: Installation, tmp_path: Path
):
    run(["selfscan", "db", "upgrade"], env=installation.env(), cwd=tmp_path)
    assert (tmp_path / "instance" / "selfscan.infra.db").is_file()
    assert not list(installation.venv.glob("lib/python*/site-packages/instance"))


def test_the_containerfile_entrypoint_migrates_when_asked_and_serves_as_its_user(
    installation: Installation,
):
    """The image's ENV, USER, WORKDIR, ENTRYPOINT and CMD, with the venv in place of /opt/selfscan.

    Run as root (as CI is), the server runs as the Containerfile's numeric USER, which cannot
    write into the venv: as in the image, where root installed it."""
    home = installation.folder / "home"  # the image's /var/lib/selfscan, the user's home
    bin_dir = installation.folder / "usr-local-bin"
    home.mkdir()
    bin_dir.mkdir()
    places = {
        "/opt/selfscan": installation.venv,
        "/var/lib/selfscan": home,
        "/usr/local/bin": bin_dir,
    }

    def mapped(value: str) -> str:
        for image_path, here in places.items():
            value = value.replace(image_path, str(here))
        # The base image's PATH has /usr/local/bin, where the entry point is copied to.
        return value.replace("$PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    for arguments in arguments_of(IMAGE_STAGE, "COPY"):
        if not arguments.startswith("--from"):
            source, destination = arguments.split()
            shutil.copy2(PROJECT_ROOT / source, mapped(destination))
    image_env = {}
    for arguments in arguments_of(IMAGE_STAGE, "ENV"):
        for pair in shlex.split(arguments):
            key, _, value = pair.partition("=")
            image_env[key] = mapped(value)
    (workdir,) = [Path(mapped(a)) for a in arguments_of(IMAGE_STAGE, "WORKDIR")]
    (user,) = arguments_of(IMAGE_STAGE, "USER")
    (entrypoint,) = [json.loads(a) for a in arguments_of(IMAGE_STAGE, "ENTRYPOINT")]
    (command,) = [json.loads(a) for a in arguments_of(IMAGE_STAGE, "CMD")]
    assert image_env["SELFSCAN_MIGRATE_AT_START"] == "0"
    uid, gid = (int(n) for n in user.split(":"))
    assert uid != 0
    as_user: dict[str, int] = {}
    if os.geteuid() == 0:
        os.chown(home, uid, gid)
        as_user = {"user": uid, "group": gid, "extra_groups": []}

    port = _free_port()
    with throwaway_database(home) as url:
        env = {
            **installation.env(),
            **image_env,
            "HOME": str(home),
            # What an operator gives with --env; the address stays on this machine.
            "SELFSCAN_DATABASE_URL": url,
            "SELFSCAN_SECRET_KEY": "container-test-secret-0123456789abcdef",
            "SELFSCAN_BIND": f"127.0.0.1:{port}",
        }
        untouched = subprocess.run(
            [*entrypoint, "selfscan", "db", "current"],
            env=env,
            cwd=workdir,
            capture_output=True,
            text=True,
            check=True,
            **as_user,
        )
        assert "current: none" in untouched.stdout.splitlines(), "migrated without being asked"

        log = installation.folder / "container.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                [*entrypoint, *command],
                env={**env, "SELFSCAN_MIGRATE_AT_START": "1"},
                cwd=workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                **as_user,
            )
        try:
            browser = Browser(f"http://127.0.0.1:{port}")
            browser.wait_until_up(server, log)
            assert json.loads(browser.get("/health")[1]) == {"status": "ok", "version": VERSION}
            assert browser.get("/inloggen")[0] == 200
            browser.get("/i/ContainerTokenThatMustNotBeLogged42")
        finally:
            assert stop(server) == 0, log.read_text()
    output = log.read_text()
    assert f"Database at revision {HEAD}." in output
    assert "added      zelfscan-mao v1" in output
    assert "/i/[redacted]" in output and "ContainerTokenThatMustNotBeLogged42" not in output


def test_the_demo_prints_the_sign_ins_the_link_and_the_address_and_nothing_else(tmp_path: Path):
    """scripts/demo as a newcomer runs it (it installs into the checkout's .venv, as always)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with throwaway_database(tmp_path) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SELFSCAN_")}
        env.update(
            SELFSCAN_DATABASE_URL=url, SELFSCAN_BIND=f"127.0.0.1:{port}", SELFSCAN_BASE_URL=base
        )
        log = tmp_path / "demo.log"
        with log.open("w") as out:
            demo = subprocess.Popen(
                [PROJECT_ROOT / "scripts" / "demo"], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + 300
            while "(Ctrl+C stops it)" not in log.read_text():
                assert demo.poll() is None, f"the demo stopped:\n{log.read_text()}"
                assert time.monotonic() < deadline, f"no address yet:\n{log.read_text()}"
                time.sleep(0.5)
            Browser(base).wait_until_up(demo, log)
        finally:
            assert stop(demo) == 0, log.read_text()
    lines = log.read_text().splitlines()
    served = lines.index(f"Selfscan runs at {base}  (Ctrl+C stops it)")
    assert lines[0] == f"Demo data is ready. Sign in at {base}/inloggen with one of these accounts:"
    assert lines[1].split()[:2] == ["programme", "team"]
    assert all(re.fullmatch(r"  \S.*\S+@\S+ +password: \S+", line) for line in lines[1:7])
    assert lines[7:served] == [
        "To fill in the scan as an invited partner, open this personal link:",
        lines[8],
        f"To try the read-only API (described at {base}/api/v1/openapi.json) as coordinator Regio Twente:",
        lines[10],
        "",
    ]
    assert lines[8].startswith(f"  {base}/i/")
    assert re.fullmatch(
        rf'  curl -H "Authorization: Bearer sst_[\w-]{{43}}" {re.escape(base)}/api/v1/rounds',
        lines[10],
    )
    assert all('"GET /health HTTP/1.1" 200' in line for line in lines[served + 1 :]), lines
