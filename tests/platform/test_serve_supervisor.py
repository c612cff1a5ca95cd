"""`usalama serve` supervises the web server and the background worker as child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from usalama.server import supervise

PY = sys.executable


def test_a_dying_worker_is_restarted_until_the_server_stops(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    web = [PY, "-c", "import time; time.sleep(4)"]
    worker = [PY, "-c", f"open({str(starts)!r}, 'a').write('x')"]
    assert supervise(web, worker) == 0
    assert len(starts.read_text()) >= 2  # started, died, started again


def test_the_worker_is_stopped_with_the_server(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    web = [PY, "-c", "import time; time.sleep(2)"]
    worker = [
        PY,
        "-c",
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)",
    ]
    began = time.monotonic()
    supervise(web, worker)
    assert time.monotonic() - began < 15
    pid = int(pid_file.read_text())
    assert not Path(f"/proc/{pid}").exists()  # terminated and reaped


def _gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    # An orphan reparented to init and already dead may linger as a zombie for a moment.
    return not status.exists() or "\nState:\tZ" in status.read_text()


def _pids(path: Path) -> list[int]:
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_children_do_not_outlive_a_supervisor_killed_outright(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    child = f"import os, time; open({str(pids)!r}, 'a').write(f'{{os.getpid()}} '); time.sleep(60)"
    script = (
        "from usalama.server import supervise; "
        f"supervise([{PY!r}, '-c', {child!r}], [{PY!r}, '-c', {child!r}])"
    )
    supervisor = subprocess.Popen([PY, "-c", script])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(_pids(pids)) < 2:
        time.sleep(0.1)
    children = _pids(pids)
    assert len(children) == 2
    os.kill(supervisor.pid, signal.SIGKILL)
    supervisor.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(pid) for pid in children):
        time.sleep(0.1)
    assert all(_gone(pid) for pid in children)
