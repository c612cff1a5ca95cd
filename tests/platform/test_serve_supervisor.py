"""`usalama serve` supervises the web server and the background worker as child processes."""

from __future__ import annotations

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
