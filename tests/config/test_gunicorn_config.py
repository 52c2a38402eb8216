"""config/gunicorn.conf.py, read as gunicorn reads it (ADR 0019): every name it sets is a
setting gunicorn knows and accepts, and the defences against slow clients are on. The
image's CMD, compose and the slow-client tests all start gunicorn from this one file."""

import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "gunicorn.conf.py"


def gunicorn_config() -> Config:
    """What `gunicorn -c config/gunicorn.conf.py` does with the file: each name that is a
    setting goes through the setting's own validator; other names are ignored."""
    config = Config()
    for name, value in runpy.run_path(str(CONFIG)).items():
        if name in config.settings:
            config.set(name.lower(), value)
    return config


@pytest.fixture(autouse=True)
def _defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "PORT",
        "WEB_CONCURRENCY",
        "GUNICORN_THREADS",
        "GUNICORN_TIMEOUT",
        "GUNICORN_BODY_TIMEOUT",
        "FORWARDED_ALLOW_IPS",
    ):
        monkeypatch.delenv(name, raising=False)


def test_threads_serve_requests_and_slow_bodies_are_bounded() -> None:
    config = gunicorn_config()

    assert config.worker_class_str == "gthread"
    assert config.threads == 8
    assert config.workers == 3
    assert config.timeout == 30
    assert config.keepalive == 5
    assert config.limit_request_line == 4094
    assert config.limit_request_fields == 50
    assert config.wsgi_app == "config.wsgi"
    assert config.control_socket_disable is True
    assert runpy.run_path(str(CONFIG))["body_timeout"] == 10


def test_the_environment_sets_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("GUNICORN_THREADS", "16")
    monkeypatch.setenv("GUNICORN_BODY_TIMEOUT", "3")

    config = gunicorn_config()

    assert config.bind == ["0.0.0.0:9000"]
    assert (config.workers, config.threads) == (2, 16)
    assert runpy.run_path(str(CONFIG))["body_timeout"] == 3


class _Socket:
    timeout: float | None = None

    def settimeout(self, value: float | None) -> None:
        self.timeout = value


class _Request:
    def __init__(self) -> None:
        self.unreader = type("Unreader", (), {"sock": _Socket()})()


def test_each_request_body_read_is_bounded_by_the_body_timeout() -> None:
    request = _Request()

    gunicorn_config().pre_request(None, request)

    assert request.unreader.sock.timeout == 10
