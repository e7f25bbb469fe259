"""Start the Streamlit triage app for ``ponzidetect app``: on 127.0.0.1 unless told otherwise,
without Streamlit's Deploy button, with a clear message when the port is taken, and with the
Streamlit process ending when this one ends (Ctrl-C, SIGTERM, SIGHUP, or this process killed)."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

__all__ = ["LOCAL", "port_free", "run_app", "streamlit_command"]

LOCAL = ("127.0.0.1", "localhost", "::1")
_PR_SET_PDEATHSIG = 1


def app_script() -> Path:
    """The app's entry script (``app/streamlit_app.py`` of a source checkout)."""
    return Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py"


def streamlit_command(script: Path, host: str, port: int) -> list[str]:
    """The ``streamlit run`` command line."""
    return [sys.executable, "-m", "streamlit", "run", str(script),
            "--server.address", host, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer"]


def port_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be listened on now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the kernel sends the child SIGTERM when its parent dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def run_app(host: str = "127.0.0.1", port: int = 8501) -> int:
    """Serve the app until Ctrl-C or a signal; returns the exit code.

    Raises
    ------
    SystemExit
        When the script is missing or the port is taken (the message names ``--port``).
    """
    script = app_script()
    if not script.is_file():
        raise SystemExit(f"ponzidetect app: {script} not found (run from a source checkout)")
    if host not in LOCAL:
        print(f"ponzidetect app: warning: listening on {host}: anyone who can reach this "
              "machine on that address can read the texts you score here; use the default "
              "(127.0.0.1) unless you mean to share it", file=sys.stderr)
    if not port_free(host, port):
        raise SystemExit(f"ponzidetect app: port {port} on {host} is already in use (another "
                         "ponzidetect app or program?); choose another with "
                         f"`ponzidetect app --port {port + 1}`, or stop the other one")
    shown = f"[{host}]" if ":" in host else host
    print(f"ponzidetect app: serving on http://{shown}:{port} (Ctrl-C to stop)", file=sys.stderr)
    child = subprocess.Popen(streamlit_command(script, host, port),
                             preexec_fn=_die_with_parent if sys.platform.startswith("linux")
                             else None)

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    previous = {sig: signal.signal(sig, forward)
                for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # pragma: no cover - forwarded as SIGINT above
                continue
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if os.environ.get("PONZIDETECT_APP_DEBUG"):
            print(f"ponzidetect app: streamlit exited with {child.returncode}", file=sys.stderr)
