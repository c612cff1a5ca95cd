"""Dense integer codes for string columns, built from their 64-bit hashes.

Hashing a Polars string column costs a few nanoseconds a row, while a unique, join or
group-by on the strings themselves costs one to two orders of magnitude more (measured on
10 M Bitcoin-style addresses). So the codes come from sorting the hashes; then one comparison
of each string with its neighbour in hash order proves that no two different strings share a
hash. If two ever do (for 5 M distinct strings, about one chance in a million) the exact
string path runs instead: the answer is exact either way, only the time differs.
"""

from __future__ import annotations

import numpy as np
import polars as pl


def sorted_codes(values: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """``(codes, distinct)``: ``distinct`` holds the distinct values in ascending (byte) order
    and ``distinct[codes[i]] == values[i]`` for every row. ``values`` must hold no nulls."""
    if values.len() == 0:
        return np.empty(0, dtype=np.int64), values.clear()
    hashes = values.hash()
    order = hashes.arg_sort()
    ordered_hashes = hashes.gather(order).to_numpy()
    new_hash = np.empty(len(ordered_hashes), dtype=bool)
    new_hash[0] = True
    np.not_equal(ordered_hashes[1:], ordered_hashes[:-1], out=new_hash[1:])
    rows_in_hash_order = order.to_numpy()
    hash_code = np.empty(len(ordered_hashes), dtype=np.int64)
    hash_code[rows_in_hash_order] = np.cumsum(new_hash) - 1
    # one value per hash, in hash order; every row must equal the one of its hash
    by_hash = values.gather(rows_in_hash_order[new_hash])
    if not bool((values == by_hash.gather(hash_code)).all()):  # two strings share a hash
        return _exact_sorted_codes(values)
    distinct = by_hash.sort()
    # the value with the k-th smallest hash has rank rank_of[k] in byte order
    rank_of = distinct.hash().arg_sort().to_numpy()
    return rank_of[hash_code], distinct


def _exact_sorted_codes(values: pl.Series) -> tuple[np.ndarray, pl.Series]:
    codes = values.rank("dense").cast(pl.Int64).to_numpy() - 1
    return codes, values.unique().sort()


def group_codes(values: pl.Series) -> np.ndarray:
    """A code per row, equal for equal values (any numbering). ``values`` must hold no nulls.

    Transaction ids arrive grouped (every input of a transaction next to the others), and then
    the runs of equal neighbours are the groups: checked exactly, since all run heads having
    different hashes proves that no value comes back in a later run."""
    if values.len() == 0:
        return np.empty(0, dtype=np.int64)
    starts = (values != values.shift(1)).fill_null(True)
    heads = values.filter(starts)
    if heads.hash().n_unique() == heads.len():
        return np.asarray(starts.cast(pl.Int64).cum_sum().to_numpy() - 1, dtype=np.int64)
    codes, _ = sorted_codes(values)
    return codes


def member_of_group(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """For each group, the value on one of its rows (``-1`` for a group with no row): which
    row is left to numpy (a repeated index keeps one of its writes), enough for a star link."""
    member = np.full(n_groups, -1, dtype=np.int64)
    member[groups] = values
    return member
