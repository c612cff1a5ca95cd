"""Communications analysis engine: call records, cell sites, seized-phone chats (no Django).

* :mod:`.phones` — numbers to E.164 (``phonenumbers``, Kenya by default);
* :mod:`.cdr` — CDR files (CSV/XLSX) with a mapping (YAML presets) into one Polars frame;
* :mod:`.cells` — cell sites (OpenCelliD's layout or an operator's list with sectors);
* :mod:`.colocate` — candidate meetings in clock-aligned windows (DuckDB) and trails;
* :mod:`.stats` — contact graph edges, top/common/new contacts, SIM and handset changes,
  timelines;
* :mod:`.chats` — WhatsApp, Telegram Desktop and ALEAPP/iLEAPP parsers;
* :mod:`.ftm` — FtM entities (Call, Message, UserAccount, phone nodes) with provenance.
"""

from usalama.analysis.comms.cdr import CdrError, CdrMapping, CdrTable, RowProblem, load_mapping
from usalama.analysis.comms.chats import ChatError, ChatReport, parse_file
from usalama.analysis.comms.phones import to_e164

__all__ = [
    "CdrError",
    "CdrMapping",
    "CdrTable",
    "ChatError",
    "ChatReport",
    "RowProblem",
    "load_mapping",
    "parse_file",
    "to_e164",
]
