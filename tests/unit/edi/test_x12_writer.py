from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.edi.x12 import (
    ControlNumbers,
    Delimiters,
    Envelope,
    Parties,
    Transaction,
    X12Error,
    comp,
    format_segment,
    read_interchange,
    rep,
    write_interchange,
)

PARTIES = Parties("ZZ", "REVCYCLE", "30", "123456789")
ENVELOPE = Envelope(PARTIES, "HS", "005010X279A1", "T", datetime(2026, 1, 2, 3, 4))
CONTROLS = ControlNumbers(interchange=42, group=7, transaction=1)
BODY = [("BHT", "0022", "13", "A1", "20260102", "0304"), ("EQ", "30")]


def write(body=BODY, *, envelope=ENVELOPE, controls=CONTROLS, transactions=1, **options) -> str:
    sets = [Transaction("270", "005010X279A1", body) for _ in range(transactions)]
    return write_interchange(envelope, controls, sets, **options)


def segments(text: str) -> list[str]:
    return text.split("~")[:-1]


def test_the_isa_is_fixed_width_with_padded_ids_and_nine_digit_control_number():
    isa = segments(write())[0]
    assert len(isa) + 1 == 106  # with its terminator
    assert isa == ("ISA*00*          *00*          *ZZ*REVCYCLE       *30*123456789      *260102*0304*^*00501*"
                   "000000042*0*T*:")


def test_the_usage_indicator_and_acknowledgment_flag_come_from_the_caller():
    envelope = Envelope(PARTIES, "HS", "005010X279A1", "P", datetime(2026, 1, 2), ack_requested=True)
    assert segments(write(envelope=envelope))[0].endswith("*000000042*1*P*:")


def test_envelope_counts_and_control_numbers_are_written():
    lines = segments(write(transactions=3))
    assert lines[1] == "GS*HS*REVCYCLE*123456789*20260102*0304*7*X*005010X279A1"
    assert [line for line in lines if line.startswith(("ST*", "SE*"))] == [
        "ST*270*0001*005010X279A1", "SE*4*0001", "ST*270*0002*005010X279A1", "SE*4*0002",
        "ST*270*0003*005010X279A1", "SE*4*0003"]
    assert lines[-2:] == ["GE*3*7", "IEA*1*000000042"]
    assert len(read_interchange(write(transactions=3)).groups[0].transactions) == 3  # the reader agrees


def test_trailing_empty_elements_and_components_are_dropped_but_inner_ones_kept():
    assert format_segment(("NM1", "PR", "2", "ACME", "", "", "", "", "PI", "X1", "", "")) == "NM1*PR*2*ACME*****PI*X1"
    assert format_segment(("SV1", comp("HC", "99213", "", ""), "")) == "SV1*HC:99213"
    assert format_segment(("EB", "1", "", rep("30", "98"))) == "EB*1**30^98"


@pytest.mark.parametrize("bad", ["SMITH*JOHN", "A:B", "A^B", "A~B", "LINE\nBREAK", "TAB\tHERE"])
def test_values_holding_a_delimiter_or_control_character_are_refused_without_echo(bad):
    with pytest.raises(X12Error, match="NM103 contains a delimiter or control character") as raised:
        write([("NM1", "IL", "1", bad)])
    assert bad not in str(raised.value)


def test_values_are_checked_against_the_delimiters_in_use():
    pipes = Delimiters(element="|", component=">", repetition="!", segment="'")
    assert "NM1|IL|1|O*NEIL" in write([("NM1", "IL", "1", "O*NEIL")], delimiters=pipes)
    with pytest.raises(X12Error, match="NM103"):
        write([("NM1", "IL", "1", "O'NEIL")], delimiters=pipes)


@pytest.mark.parametrize("controls", [ControlNumbers(0, 1, 1), ControlNumbers(1_000_000_000, 1, 1),
                                      ControlNumbers(1, 0, 1), ControlNumbers(1, 1, 999_999_999 + 1)])
def test_control_numbers_outside_nine_digits_are_refused(controls):
    with pytest.raises(X12Error, match="control numbers"):
        write(controls=controls)


@pytest.mark.parametrize("envelope, message", [
    (Envelope(PARTIES, "HS", "005010X279A1", "X", datetime(2026, 1, 2)), "ISA15"),  # type: ignore[arg-type]
    (Envelope(Parties("ZZ", "A" * 16, "ZZ", "B"), "HS", "005010X279A1", "T", datetime(2026, 1, 2)), "ISA06"),
    (Envelope(Parties("ZZ", "A", "ZZ", "RECEIVER"), "HS", "005010X279A1", "T", datetime(2026, 1, 2)), "GS02"),
])
def test_envelope_values_the_standard_forbids_are_refused(envelope, message):
    with pytest.raises(X12Error, match=message):
        write(envelope=envelope)


def test_a_segment_id_must_look_like_one_and_a_transaction_set_is_required():
    with pytest.raises(X12Error, match="segment identifier"):
        write([("eq", "30")])
    with pytest.raises(X12Error, match="at least one"):
        write_interchange(ENVELOPE, CONTROLS, [])


def test_line_breaks_are_layout_only():
    assert read_interchange(write(line_breaks=True)).groups[0].transactions[0].body[1].elements == ("30",)


safe_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="*:^~"),
                    min_size=1, max_size=20)


@given(st.lists(st.lists(safe_text, min_size=1, max_size=8), min_size=1, max_size=10))
def test_what_is_written_reads_back_the_same(rows):
    body = [("REF", *row) for row in rows]
    read = read_interchange(write(body)).groups[0].transactions[0].body
    assert [s.elements for s in read] == [tuple(row) for row in rows]


@pytest.mark.parametrize("spec, message", [
    (("SV1", comp("HC", "99:213"), "125"), "SV101 contains a delimiter or control character"),
    (("SV1", comp("HC", "99213"), "12*5"), "SV102 contains a delimiter or control character"),
    (("HI", comp("ABK", "E119"), comp("ABF", "I1\x0b0")), "HI02 contains a delimiter or control character"),
    (("NM1", "IL", 1), "NM102 must be text"),
    (("SV1", comp("HC", 99213)), "SV101 must be text"),
])
def test_composites_and_values_that_are_not_text_are_refused_naming_the_element(spec, message):
    with pytest.raises(X12Error, match=message):
        format_segment(spec)


def test_a_segment_given_as_its_formatted_text_is_written_as_is_and_counted():
    formatted = [format_segment(spec) for spec in BODY]
    assert write(formatted) == write(BODY)
    assert write([BODY[0], formatted[1]]) == write(BODY)


def expected_segment(spec) -> str | None:
    """X12's rule written plainly: None when a value holds a delimiter or control character, else the elements
    joined, trailing empty components and elements dropped."""
    elements = []
    for value in spec[1:]:
        parts = list(value.parts) if isinstance(value, type(comp())) else [value]
        if any(c in "*:^~" or ord(c) < 32 or ord(c) == 127 for part in parts for c in part):
            return None
        while parts and not parts[-1]:
            parts.pop()
        elements.append(":".join(parts))
    while elements and not elements[-1]:
        elements.pop()
    return "*".join([spec[0], *elements])


any_text = st.text(alphabet=st.sampled_from("AB9 -.'*:^~\n\x7f"), max_size=4)


@given(st.lists(st.one_of(any_text, st.lists(any_text, max_size=4).map(lambda parts: comp(*parts))), max_size=8))
def test_a_segment_is_formatted_as_the_rule_says_or_refused(values):
    spec = ("REF", *values)
    expected = expected_segment(spec)
    if expected is None:
        with pytest.raises(X12Error, match="contains a delimiter or control character"):
            format_segment(spec)
    else:
        assert format_segment(spec) == expected
