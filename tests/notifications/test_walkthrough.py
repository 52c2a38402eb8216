"""The README's section "A walk through the demo", run as written in embedded mode: SQLite,
kombu's filesystem transport, the web server, a real worker and beat started as `make run`
starts them (Procfile.dev), the demo loaded. The page's shell blocks run in bash
one after another; the one step a reader does by hand (copying the token out of the reset
email) reads it from the worker's output. The emails the worker prints are the ones the page
shows, ids, tokens and amounts aside.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.notifications.mail import text_of
from tests.support.processes import (
    free_port,
    live_status,
    start_in_own_group,
    stop_group,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery-workers")]

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
WALKTHROUGH_HEADING = "## A walk through the demo"
BIN = Path(sys.executable).parent
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
READER = "dana@example.com"
SCRIPT_SECONDS = 300
DEMO_SECONDS = 600

# Placeholders the page writes for what differs on every run.
_ID = r"[0-9a-f]{8}-…"
_MONEY = r"\d+\.\d\d EUR"
_ANY = r"\S*…"


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    """`make run`'s environment on a fresh machine: no services, a private state folder."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(
        EMPORIUM_LOCAL_DIR=str(tmp_path / "local"),
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO_ROOT),
        PATH=f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}",
    )
    return env


@pytest.fixture
def store(embedded_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """`make run`: migrate, the demo, then web, worker and beat; the port and the worker's log."""
    for command in (("migrate", "--noinput"), ("demo_data",)):
        manage = [sys.executable, "manage.py", *command]
        subprocess.run(manage, cwd=REPO_ROOT, env=embedded_env, check=True, capture_output=True)
    port, worker_log = free_port(), tmp_path / "worker.log"
    commands = {
        "web.log": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker.log": [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
                       "--pool=threads", "--concurrency=4"],
        "beat.log": [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"],
    }  # fmt: skip
    started = [
        start_in_own_group(args, cwd=REPO_ROOT, env=embedded_env, log=tmp_path / log)
        for log, args in commands.items()
    ]
    try:
        assert wait_until(lambda: live_status(port, timeout=1) == 200, timeout=60)
        assert wait_until(lambda: " ready." in worker_log.read_text(errors="replace"), timeout=60)
        assert wait_until(lambda: _demo_events_settled(embedded_env), timeout=DEMO_SECONDS)
        yield port, worker_log
    finally:
        for process in started:
            stop_group(process)


def _demo_events_settled(env: dict[str, str]) -> bool:
    """The worker has worked through the demo's events (`manage.py outbox status`), so the
    walk-through's own emails do not queue behind a thousand stock figures on a busy CI."""
    status = subprocess.run(
        [sys.executable, "manage.py", "outbox", "status"],
        cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    waiting = re.findall(r"^(pending|handed over|running): (\d+)$", status, flags=re.MULTILINE)
    return len(waiting) == 3 and all(count == "0" for _, count in waiting)


def page() -> str:
    """The README's walk-through section: from its heading to the next section's."""
    text = README.read_text()
    section = text[text.index(WALKTHROUGH_HEADING) :]
    return section[: section.index("\n## ", len(WALKTHROUGH_HEADING))]


def shell_of(text: str, *, port: int, worker_log: Path) -> str:
    blocks = "\n".join(re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL))
    blocks = blocks.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    blocks = re.sub(r"^TOKEN=.*$", "TOKEN=$(token_from_the_email)", blocks, flags=re.MULTILINE)
    reader = f"""set -euo pipefail
token_from_the_email() {{
  until grep -q 'reset-password?token=' {worker_log}; do sleep 1; done
  grep -o 'reset-password?token=[A-Za-z0-9_-]*' {worker_log} | tail -1 | cut -d= -f2
}}
"""
    return reader + blocks


def printed_emails(worker_log: Path) -> list[EmailMessage]:
    """The emails the console backend printed: the worker logs each as one record
    (`celery.redirected`), its time and level before the first line, its context after the
    last."""
    found = re.findall(
        r"Content-Type: multipart/alternative;.*?--=+\d+==--",
        worker_log.read_text(errors="replace"),
        flags=re.DOTALL,
    )
    return [message_from_string(block, policy=policy.default) for block in found]


def shown_emails(text: str) -> list[tuple[str, list[str]]]:
    """The page's emails: each plain block starting with `Subject:`, its subject and body lines."""
    shown = []
    for block in re.findall(r"```\n(Subject: .*?)```", text, flags=re.DOTALL):
        headers, _, body = block.partition("\n\n")
        subject = headers.splitlines()[0].removeprefix("Subject: ")
        shown.append((subject, [line for line in body.splitlines() if line.strip()]))
    return shown


def pattern(line: str) -> re.Pattern[str]:
    """A line of the page, its placeholders (ids, tokens, amounts) matching any such value."""
    marked = re.sub(_ID, "\0ID\0", re.sub(_MONEY, "\0MONEY\0", re.sub(_ANY, "\0ANY\0", line)))
    parts = [re.escape(part) for part in marked.split("\0")]
    regex = "".join(
        {"ID": r"[0-9a-f-]{36}", "MONEY": _MONEY, "ANY": r"\S+"}.get(part, part) for part in parts
    )
    return re.compile(f"^{regex}$")


@pytest.mark.skipif(shutil.which("jq") is None, reason="the walk-through's commands use jq")
@pytest.mark.timeout(DEMO_SECONDS + SCRIPT_SECONDS + 180)
def test_the_walkthrough_runs_as_written_and_the_worker_prints_the_emails_it_shows(
    store, embedded_env
):
    port, worker_log = store
    script = shell_of(page(), port=port, worker_log=worker_log)

    run = subprocess.run(
        ["bash", "-c", script],
        env=embedded_env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_SECONDS,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    for answer in ("204", '"confirmed"', '"payment_declined"', '"cancelled"', '"shipped"'):
        assert answer in run.stdout, run.stdout
    settled = lambda: len([m for m in printed_emails(worker_log) if m["To"] == READER]) >= 8  # noqa: E731
    assert wait_until(settled, timeout=60), worker_log.read_text(errors="replace")[-3000:]
    received = [m for m in printed_emails(worker_log) if m["To"] == READER]
    assert len(received) == 8, [m["Subject"] for m in received]
    shown = shown_emails(page())
    for subject, body in shown:
        matching = [m for m in received if pattern(subject).match(str(m["Subject"]))]
        assert matching, f"no email like {subject!r} in {[m['Subject'] for m in received]}"
        text_lines = text_of(matching[0]).splitlines()
        for line in body:
            assert any(pattern(line).match(real) for real in text_lines), (line, text_lines)
    assert all(any(pattern(s).match(str(m["Subject"])) for s, _ in shown) for m in received)
