"""The compact index of an NCCI table: its header, its checks on open, and lookups in a memory map."""
import mmap
import random
import tempfile
from datetime import date, timedelta
from functools import partial
from io import BytesIO

import pytest

from chalicelib.scrubbing.edit_index import BLOCK, MAX_HEADER, IndexFormatError, in_memory, read_info
from chalicelib.scrubbing.mue import MueIndex
from chalicelib.scrubbing.ncci import PtpIndex, load_ptp, read_ptp, write_ptp
from tests.unit.claims.test_ncci import ROWS, ptp_file

SOURCES = ({"key": "reference/ncci/f1.txt", "etag": '"abc"'},)


def ptp_index_bytes(**facts):
    return in_memory(partial(write_ptp, **facts), read_ptp(ptp_file(*ROWS)))


def test_the_header_carries_the_table_quarter_rows_and_sources_and_reads_back_from_its_first_bytes():
    data = ptp_index_bytes(table="ptp-practitioner", quarter="2027Q1", loaded_at="2027-01-02T03:04:05.000Z",
                           sources=SOURCES)
    info, start = read_info(data[:MAX_HEADER])
    assert (info.kind, info.table, info.quarter, info.rows, info.sources) == (
        "ptp", "ptp-practitioner", "2027Q1", 4, SOURCES)
    assert len(data) - start == 10 + 4 * 21  # one fence key, four 21-byte records, nothing else


def test_each_repeated_rationale_is_kept_once():
    rows = [f"9921{n}\t36415\t\t20200101\t*\t1\tStandards of medical / surgical practice" for n in range(5)]
    table = load_ptp(ptp_file(*rows))
    assert len(table) == 5 and table.info.texts == ("Standards of medical / surgical practice",)


def test_an_index_read_through_a_memory_map_finds_what_the_bytes_do():
    with tempfile.TemporaryFile() as file:
        file.write(ptp_index_bytes())
        file.flush()
        mapped = PtpIndex(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
    assert mapped.edits_between("29877", "29881", date(2026, 3, 10)).column_1 == "29881"
    assert mapped.edit("99213", "36415", date(2026, 3, 10)) is None


def test_a_ptp_index_is_not_opened_as_an_mue_index():
    with pytest.raises(IndexFormatError, match="a ptp index"):
        MueIndex(ptp_index_bytes())


@pytest.mark.parametrize("damage", [lambda data: data[:-1], lambda data: data + b"x",
                                    lambda data: b"PK\x03\x04" + data[4:], lambda data: b""])
def test_a_cut_short_padded_or_foreign_file_is_not_an_index(damage):
    with pytest.raises(IndexFormatError):
        PtpIndex(damage(ptp_index_bytes()))


def test_every_row_of_a_table_many_blocks_long_is_found_even_where_a_pair_straddles_two_blocks():
    rng, day = random.Random(5), date(2020, 1, 1)
    pairs = sorted({(f"{rng.randrange(10000, 10400):05d}", f"{rng.randrange(20000, 20400):05d}") for _ in range(900)})
    rows, expected = [], {}
    for n, (code_1, code_2) in enumerate(pairs):
        # Every pair has 1 to 3 rows, one after another in time, so many pairs sit across a block's end.
        for k in range(n % 3 + 1):
            starts, ends = day + timedelta(days=100 * k), day + timedelta(days=100 * (k + 1))
            rows.append(f"{code_1}\t{code_2}\t\t{starts:%Y%m%d}\t{ends:%Y%m%d}\t{k % 2}\tr{k}")
            expected[(code_1, code_2, starts + timedelta(days=50))] = k % 2
    table = load_ptp(ptp_file(*rows))
    assert len(table) == len(rows) > 10 * BLOCK
    assert all(table.edit(c1, c2, on).modifier_indicator == indicator for (c1, c2, on), indicator in expected.items())
    assert all(table.edit(c2, c1, day) is None for c1, c2 in pairs if (c2, c1) not in pairs)
    assert table.edit("09999", "20000", day) is None and table.edit("99999", "99999", day) is None


def test_a_key_spelled_across_two_fields_of_a_record_is_not_taken_for_a_record():
    # The effective date's ordinal, little-endian, starts with the byte of "C": the record's bytes from its
    # second on read AAAABBBBBC..., which is the key of the pair (AAAAB, BBBBC).
    effective = date.fromordinal(date(2020, 1, 1).toordinal() // 256 * 256 + ord("C"))
    decoy = f"AAAAA\tBBBBB\t\t{effective:%Y%m%d}\t*\t1\tx"
    real = f"AAAAB\tBBBBC\t\t{effective:%Y%m%d}\t*\t0\ty"
    day = effective + timedelta(days=1)
    assert load_ptp(ptp_file(decoy)).edit("AAAAB", "BBBBC", day) is None
    assert load_ptp(ptp_file(decoy, real)).edit("AAAAB", "BBBBC", day).modifier_indicator == 0


def test_a_file_with_more_distinct_rationales_than_a_header_can_list_is_refused_before_anything_is_written():
    rows = [f"99213\t{20000 + n:05d}\t\t20200101\t*\t1\t{'a rationale of some length ' * 3}{n}" for n in range(1000)]
    out = BytesIO()
    with pytest.raises(IndexFormatError, match="more distinct rationale texts"):
        write_ptp(out, read_ptp(ptp_file(*rows)))
    assert out.getvalue() == b""
