"""XLSX reading: the streamed reader (core.archives.xlsx_rows, openpyxl read-only, archive
guard and memory cap) next to its peer, calamine loading the first sheet whole (what the
records, policing and hotspot readers used before), on the same workbook in the same run.

    .venv/bin/python benchmarks/xlsx_read_bench.py [ROWS]

Prints seconds for each and the peak resident memory of a child process doing each read (the
interpreter and the imports included: about 50 MiB of either figure is that baseline).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
path, how = Path(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
if how == "streamed":
    from usalama.core.archives import xlsx_rows
    count = sum(1 for _ in xlsx_rows(path))
else:
    from python_calamine import CalamineWorkbook
    from usalama.core.archives import check_xlsx
    check_xlsx(path)  # the same guard, so that only the reading differs
    count = len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": count, "seconds": seconds, "peak_mib": rss}))
"""


def _workbook(path: Path, rows: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["id", "station", "lon", "lat", "received", "priority"])
    stations = ["Central", "Kilimani", "Parklands", "Kasarani"]
    for i in range(rows):
        sheet.append([i, stations[i % 4], 36.8 + i * 1e-6, -1.28 - i * 1e-6,
                      f"2024-01-{1 + i % 28:02d} 10:00", i % 5])  # fmt: skip
    book.save(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calls.xlsx"
        _workbook(path, rows)
        print(f"workbook: {rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB on disk")
        results = {}
        for how in ("calamine", "streamed"):
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path), how],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            results[how] = json.loads(out.stdout)
            wall = time.perf_counter() - started
            r = results[how]
            print(f"{how:9s} read {r['seconds']:6.2f} s  peak RSS {r['peak_mib']:6.1f} MiB  "
                  f"(process {wall:.1f} s)")  # fmt: skip
        c, s = results["calamine"], results["streamed"]
        print(f"streamed/calamine: time x{s['seconds'] / c['seconds']:.1f}, "
              f"peak memory x{s['peak_mib'] / c['peak_mib']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
