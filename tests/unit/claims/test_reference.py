"""A container's copy of CMS's tables: asked about at most once a minute, downloaded again only when changed."""
from datetime import date
from functools import partial

import pytest

from chalicelib.scrubbing.edit_index import in_memory
from chalicelib.scrubbing.mue import MueIndex, read_mue, write_mue
from chalicelib.scrubbing.ncci import read_ptp, write_ptp
from chalicelib.scrubbing.reference import (
    CHECK_SECONDS,
    TABLES,
    StoreUnavailable,
    TableCache,
    Tables,
    quarter_dates,
    text_lines,
)
from tests.unit.claims.test_ncci import ROWS, ptp_file

SPEC = TABLES["ptp-practitioner"]


def index_bytes(quarter, rows=ROWS):
    return in_memory(partial(write_ptp, table=SPEC.name, quarter=quarter), read_ptp(ptp_file(*rows)))


class Store:
    """The bucket as a dict of key -> (etag, bytes); counts the calls a container would make."""

    def __init__(self):
        self.objects, self.heads, self.gets, self.down = {}, 0, 0, False

    def put(self, key, etag, data):
        self.objects[key] = (etag, data)

    def etag(self, key):
        self.heads += 1
        if self.down:
            raise StoreUnavailable("no route to the bucket")
        return self.objects[key][0] if key in self.objects else None

    def fetch(self, key):
        self.gets += 1
        etag, data = self.objects[key]
        return data, etag


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def store():
    return Store()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cache(store, clock):
    return TableCache(lambda: store, clock=clock)


def test_an_absent_table_is_asked_about_again_after_a_minute_not_before(cache, store, clock):
    assert cache.get(SPEC) is None and store.heads == 1
    store.put(SPEC.index_key, '"1"', index_bytes("2027Q1"))
    clock.now = CHECK_SECONDS - 0.001
    assert cache.get(SPEC) is None and store.heads == 1
    clock.now = CHECK_SECONDS
    assert cache.get(SPEC).info.quarter == "2027Q1" and store.heads == 2


def test_an_unchanged_etag_costs_one_head_a_minute_and_no_download(cache, store, clock):
    store.put(SPEC.index_key, '"1"', index_bytes("2027Q1"))
    held = cache.get(SPEC)
    for minute in range(1, 6):
        clock.now = minute * CHECK_SECONDS
        assert cache.get(SPEC) is held
    assert (store.heads, store.gets) == (6, 1)


def test_a_changed_etag_is_downloaded_at_the_next_check(cache, store, clock):
    store.put(SPEC.index_key, '"1"', index_bytes("2027Q1"))
    cache.get(SPEC)
    store.put(SPEC.index_key, '"2"', index_bytes("2027Q2", ROWS[:1]))
    clock.now = CHECK_SECONDS
    assert (cache.get(SPEC).info.quarter, len(cache.get(SPEC)), store.gets) == ("2027Q2", 1, 2)


def test_a_table_removed_from_the_bucket_stops_judging_at_the_next_check(cache, store, clock):
    store.put(SPEC.index_key, '"1"', index_bytes("2027Q1"))
    cache.get(SPEC)
    del store.objects[SPEC.index_key]
    clock.now = CHECK_SECONDS
    assert cache.get(SPEC) is None


def test_when_the_bucket_does_not_answer_the_held_table_keeps_judging_and_is_asked_again_a_minute_on(
        cache, store, clock):
    store.put(SPEC.index_key, '"1"', index_bytes("2027Q1"))
    held = cache.get(SPEC)
    store.down, clock.now = True, CHECK_SECONDS
    assert cache.get(SPEC) is held and store.heads == 2
    store.down, clock.now = False, 2 * CHECK_SECONDS
    assert cache.get(SPEC) is held and store.heads == 3


def test_a_broken_index_in_the_bucket_judges_nothing_instead_of_failing_the_claim(cache, store):
    store.put(SPEC.index_key, '"1"', index_bytes("2027Q1")[:-3])
    assert cache.get(SPEC) is None


def test_a_table_this_container_just_loaded_is_held_without_downloading_it(cache, store):
    store.put(SPEC.index_key, '"9"', index_bytes("2027Q3"))
    cache.hold(SPEC, SPEC.open(index_bytes("2027Q3")), '"9"')
    assert cache.get(SPEC).info.quarter == "2027Q3" and (store.heads, store.gets) == (0, 0)


def test_a_claim_keeps_the_name_and_quarter_of_each_table_that_judged_it():
    write = partial(write_mue, table="mue-practitioner", quarter="2027Q1", loaded_at="2027-01-02T00:00:00.000Z")
    index = in_memory(write, read_mue(["HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,x",
                                       "99213,2,3 Date of Service Edit: Clinical,Clinical: Data"]))
    tables = Tables(None, MueIndex(index), ("ptp-practitioner",))
    assert tables.used() == [{"table": "mue-practitioner", "quarter": "2027Q1",
                              "loaded_at": "2027-01-02T00:00:00.000Z"}]


@pytest.mark.parametrize("quarter, first, last", [
    ("2027Q1", date(2027, 1, 1), date(2027, 3, 31)), ("2028Q1", date(2028, 1, 1), date(2028, 3, 31)),
    ("2027Q2", date(2027, 4, 1), date(2027, 6, 30)), ("2027Q3", date(2027, 7, 1), date(2027, 9, 30)),
    ("2027Q4", date(2027, 10, 1), date(2027, 12, 31)),
])
def test_a_quarter_runs_from_its_first_to_its_last_day(quarter, first, last):
    assert quarter_dates(quarter) == (first, last)


def test_text_split_into_chunks_anywhere_reads_as_the_same_lines():
    text = "Column 1\tColumn 2\r\n99213\t36415\r\n\"HCPCS/\nCPT Code\",x\r\nlast line without an ending".encode()
    whole = list(text_lines([text]))
    assert whole == ["Column 1\tColumn 2\r", "99213\t36415\r", '"HCPCS/', 'CPT Code",x\r', "last line without an ending"]
    assert all(list(text_lines([text[:cut], text[cut:]])) == whole for cut in range(len(text) + 1))


def test_a_byte_windows_1252_leaves_undefined_reads_as_a_replacement_character_not_an_error():
    assert list(text_lines([b"99213\tcaf\xe9 \x81\r\n"])) == ["99213\tcaf\u00e9 \ufffd\r"]
