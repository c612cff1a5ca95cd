"""Money and crypto tracing engine (framework-free): what the money app and the CLI call.

* transfers: ``read_transfers_csv``, ``transfers_from_frame``, ``validate_transfers`` → the
  standard transfer frame (``TRANSFER_SCHEMA``); ``read_holders_csv`` for account → holder.
* typologies: ``scan_typologies(frame, TypologyConfig())`` → ``TypologyReport`` (flagged accounts
  with typologies and score, plus evidence transfers).
* tracing: ``trace(frame, seeds, direction=, model=, hops=, …)`` → ``TraceResult``.
* Bitcoin: ``read_block_file`` (raw/framed/JSON, .bz2) → ``ChainData`` frames;
  ``cluster_addresses`` → ``address, cluster_id``.
* sanctions: ``load_sanctions``, ``screen_addresses``, ``normalise_identifier``.
"""

from __future__ import annotations

from usalama.analysis.money.bitcoin.blocks import Block, Transaction, iter_blocks, parse_block
from usalama.analysis.money.bitcoin.chain import (
    ChainData,
    blocks_from_getblock_json,
    read_block_file,
)
from usalama.analysis.money.clustering import cluster_addresses, coinjoin_transactions
from usalama.analysis.money.sanctions import (
    ScreeningResult,
    load_sanctions,
    normalise_identifier,
    read_address_file,
    screen_addresses,
)
from usalama.analysis.money.taint import TraceResult, trace
from usalama.analysis.money.transfers import (
    AMLSIM_COLUMNS,
    TRANSFER_SCHEMA,
    TransferColumns,
    read_holders_csv,
    read_transfers_csv,
    transfers_from_frame,
    validate_transfers,
)
from usalama.analysis.money.typologies import TypologyReport, scan_typologies
from usalama.analysis.money.typology_config import TypologyConfig

__all__ = [
    "AMLSIM_COLUMNS",
    "TRANSFER_SCHEMA",
    "Block",
    "ChainData",
    "ScreeningResult",
    "TraceResult",
    "Transaction",
    "TransferColumns",
    "TypologyConfig",
    "TypologyReport",
    "blocks_from_getblock_json",
    "cluster_addresses",
    "coinjoin_transactions",
    "iter_blocks",
    "load_sanctions",
    "normalise_identifier",
    "parse_block",
    "read_address_file",
    "read_block_file",
    "read_holders_csv",
    "read_transfers_csv",
    "scan_typologies",
    "screen_addresses",
    "trace",
    "transfers_from_frame",
    "validate_transfers",
]
