import gc
import re
from datetime import datetime

import pytest

from chalicelib.edi.x12 import (
    ControlNumbers,
    Delimiters,
    Envelope,
    Parties,
    Segment,
    Transaction,
    X12Error,
    comp,
    read_interchange,
    read_interchanges,
    rep,
    write_interchange,
)
from tests.unit.edi.samples import SAMPLES, read_sample, sample, sample_params
from tests.x12_fixtures import x12_fixture

ENVELOPE = Envelope(Parties("ZZ", "SENDER", "ZZ", "RECEIVER"), "HB", "005010X279A1", "T", datetime(2026, 11, 23, 9, 5))
BODY = [("BHT", "0022", "11", "REF1", "20261123", "0905"), ("NM1", "IL", "1", "ZEBULON", "ZED"),
        ("EB", "B", "", rep("30", "98"), "", "", "27", "25.00"), ("SVC", comp("HC", "99213"), "100")]


def interchange(delimiters: Delimiters = Delimiters(), line_breaks: bool = False, **controls: int) -> str:
    numbers = ControlNumbers(**({"interchange": 905, "group": 17, "transaction": 4} | controls))
    return write_interchange(ENVELOPE, numbers, [Transaction("271", "005010X279A1", BODY)],
                             delimiters=delimiters, line_breaks=line_breaks)


def test_delimiters_come_from_the_isa_segment():
    odd = Delimiters(element="|", component=">", repetition="!", segment="'")
    read = read_interchange(interchange(odd))
    assert read.delimiters == odd
    eb = read.groups[0].transactions[0].body[2]
    assert eb.repetitions(3) == ("30", "98") and eb.element(7) == "25.00"


def test_segments_read_back_as_ids_with_elements_composites_and_repetitions():
    body = read_interchange(interchange()).groups[0].transactions[0].body
    assert [s.id for s in body] == ["BHT", "NM1", "EB", "SVC"]
    assert body[1].elements == ("IL", "1", "ZEBULON", "ZED")
    assert body[3].components(1) == ("HC", "99213") and body[3].component(1, 2) == "99213"
    assert body[1].element(9) == "" and body[3].component(1, 5) == ""


def test_envelope_values_are_exposed():
    read = read_interchange(interchange())
    group, transaction = read.groups[0], read.groups[0].transactions[0]
    assert (read.control_number, read.usage, read.sender, read.receiver) == (
        "000000905", "T", ("ZZ", "SENDER"), ("ZZ", "RECEIVER"))
    assert (group.functional_id, group.control_number, group.version) == ("HB", "17", "005010X279A1")
    assert (transaction.set_id, transaction.control_number, transaction.convention) == ("271", "0004", "005010X279A1")


@pytest.mark.parametrize("layout", [
    lambda t: t.replace("~", "~\n"), lambda t: t.replace("~", "~\r\n"), lambda t: "\ufeff" + t,
    lambda t: t.replace("~", "~\n    "), lambda t: "\n" + t.replace("~", "~\n\n") + "\n",
], ids=["LF", "CRLF", "BOM", "indented", "blank lines"])
def test_layout_around_terminators_is_not_data(layout):
    plain = read_interchange(interchange())
    laid_out = read_interchange(layout(interchange()))
    assert [(s.id, s.elements) for s in laid_out.transactions().__next__().segments] == \
        [(s.id, s.elements) for s in plain.transactions().__next__().segments]


def test_an_isa_without_padding_still_gives_its_delimiters():
    text = interchange().replace("SENDER         ", "SENDER").replace("RECEIVER       ", "RECEIVER")
    assert read_interchange(text).receiver == ("ZZ", "RECEIVER")


def test_a_4010_isa11_of_u_declares_no_repetition_separator():
    text = interchange().replace("*^*00501*", "*U*00401*")
    eb = read_interchange(text).groups[0].transactions[0].body[2]
    assert read_interchange(text).delimiters.repetition is None
    assert eb.repetitions(3) == ("30^98",)


@pytest.mark.parametrize("change, message", [
    (("SE*6*0004", "SE*7*0004"), "SE01"),
    (("SE*6*0004", "SE*6*0005"), "SE02"),
    (("GE*1*17", "GE*2*17"), "GE01"),
    (("GE*1*17", "GE*1*18"), "GE02"),
    (("IEA*1*000000905", "IEA*2*000000905"), "IEA01"),
    (("IEA*1*000000905", "IEA*1*000000906"), "IEA02"),
])
def test_counts_and_control_numbers_are_checked(change, message):
    text = interchange().replace(*change)
    with pytest.raises(X12Error, match=message) as raised:
        read_interchange(text)
    assert raised.value.position is not None and raised.value.segment_id == message[:-2]
    lenient = read_interchange(text, strict=False)
    assert len(lenient.issues) == 1 and message in lenient.issues[0]


def test_errors_name_positions_never_values():
    text = interchange().replace("SE*6*0004", "SE*99*0004")
    with pytest.raises(X12Error) as raised:
        read_interchange(text)
    assert raised.value.position == 8  # ISA GS ST BHT NM1 EB SVC SE
    assert "ZEBULON" not in str(raised.value)
    assert "25.00" not in str(raised.value)


@pytest.mark.parametrize("text, message", [
    ("not x12 at all", "does not start with an ISA"),
    (interchange().replace("ST*271*0004*005010X279A1~", ""), "outside a transaction set"),
    (interchange().replace("IEA*1*000000905~", ""), "without an IEA"),
    (interchange().replace("GE*1*17~", ""), "before the GE"),
    (interchange().replace("SE*6*0004~", ""), "before the SE"),
    (interchange().replace("NM1*", "nm1*"), "not a segment identifier"),
    (interchange()[:60], "incomplete"),
    (interchange() + "GS*HB~", "neither padding .* nor another interchange"),
])
def test_broken_nesting_always_raises(text, message):
    for strict in (True, False):
        with pytest.raises(X12Error, match=message):
            read_interchanges(text, strict=strict)


def segments_of(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.id, s.elements) for i in read_interchanges(text) for t in i.transactions() for s in t.segments]


@pytest.mark.parametrize("ending", ["", "\n", "\r\n", "   \r\n", "\x1a", "\x00" * 64, "\r\n\x1a"],
                         ids=["bare", "LF", "CRLF", "spaces", "DOS end-of-file", "NUL fill", "CRLF and end-of-file"])
def test_a_last_segment_without_its_terminator_reads_whatever_padding_follows(ending):
    text = interchange().removesuffix("~") + ending
    assert segments_of(text) == segments_of(interchange())
    assert read_interchange(text).groups[0].control_number == "17"


@pytest.mark.parametrize("padding", ["\n", "\r\n\r\n", " " * 80, "\x00" * 512, "\x1a", "\r\n\x1a", "\t\x00\n\x1a"],
                         ids=["LF", "blank lines", "spaces to a block", "NUL fill", "DOS end-of-file",
                              "CRLF and end-of-file", "mixed"])
def test_padding_after_the_last_iea_is_not_data(padding):
    assert segments_of(interchange() + padding) == segments_of(interchange())


def test_padding_between_two_interchanges_is_not_data_either():
    assert len(read_interchanges(interchange() + "\r\n\x00\x00" + interchange(interchange=906))) == 2


@pytest.mark.parametrize("tail", ["GS*HB~", "x", "\x00\x00JUNK", "\x1aIEA*1*000000905~", "\r\n~"],
                         ids=["a segment", "a letter", "text after NULs", "a segment after end-of-file",
                              "a stray terminator"])
def test_anything_but_padding_after_the_last_iea_is_refused(tail):
    with pytest.raises(X12Error, match="after the IEA segment is neither padding"):
        read_interchanges(interchange() + tail)


def test_a_file_cut_short_is_still_refused_when_its_last_segment_is_not_the_iea():
    with pytest.raises(X12Error, match="without an IEA"):
        read_interchanges(interchange().removesuffix("IEA*1*000000905~"))


ISA_SEPARATORS = "*^*00501*000000905*0*T*:~"  # ISA11 ... ISA16 and the terminator, as `interchange()` writes them


@pytest.mark.parametrize("declared, first, second", [
    ("*:*00501*000000905*0*T*:~", "repetition separator (ISA11)", "component separator (ISA16)"),
    ("*^*00501*000000905*0*T*^~", "repetition separator (ISA11)", "component separator (ISA16)"),
    ("*~*00501*000000905*0*T*:~", "repetition separator (ISA11)", "segment terminator"),
    ("*^*00501*000000905*0*T***~", "element separator", "component separator (ISA16)"),
    ("*^*00501*000000905*0*T*~~", "component separator (ISA16)", "segment terminator"),
], ids=["repetition is component (:)", "repetition is component (^)", "repetition is terminator",
        "component is element", "component is terminator"])
def test_a_character_declared_for_two_separators_is_refused_naming_both(declared, first, second):
    text = interchange().replace(ISA_SEPARATORS, declared)
    for strict in (True, False):
        with pytest.raises(X12Error) as raised:
            read_interchanges(text, strict=strict)
        message = str(raised.value)
        assert first in message and second in message and "cannot be told apart" in message, message


def test_an_element_separator_used_as_segment_terminator_is_refused_naming_both():
    text = interchange().replace("~", "*")
    with pytest.raises(X12Error, match=r"element separator .* segment terminator"):
        read_interchanges(text)


def test_an_empty_isa11_or_one_that_is_the_element_separator_is_refused():
    for declared in ("**00501*000000905*0*T*:~", "***00501*000000905*0*T*:~"):
        with pytest.raises(X12Error, match="ISA11 .* is empty, or is the element separator"):
            read_interchanges(interchange().replace(ISA_SEPARATORS, declared))


@pytest.mark.parametrize("name", ["837i-repetition-is-component.x12", "271-repetition-is-component.x12"])
def test_a_real_file_whose_repetition_separator_is_its_component_separator_is_refused(name):
    """Read by a guess, the 837I's diagnosis and procedure composites or the 271's service-type repetitions
    (EB03 30^98: a co-pay for two service types) would come apart wrongly."""
    with pytest.raises(X12Error, match=r"'\^' as both the repetition separator \(ISA11\) and the component "):
        read_interchanges(x12_fixture(name), strict=False)


def test_the_same_file_with_distinct_separators_reads_its_composites_and_repetitions():
    text = x12_fixture("271-repetition-is-component.x12").replace("*T*^~", "*T*:~", 1)
    eb = next(s for s in read_interchange(text).groups[0].transactions[0].body if s.id == "EB")
    assert eb.repetitions(3) == ("30", "98")


@pytest.mark.parametrize("codec, named", [
    ("utf-16", "UTF-16 (little-endian)"), ("utf-16-le", "UTF-16 (little-endian)"),
    ("utf-16-be", "UTF-16 (big-endian)"), ("utf-32", "UTF-32 (little-endian)"), ("utf-32-be", "UTF-32 (big-endian)"),
])
def test_a_utf16_or_utf32_file_is_refused_naming_its_encoding(codec, named):
    """With its byte-order mark, read one byte a character (Latin-1, as the inbox reads what is not UTF-8)."""
    raw = (("\ufeff" if codec in ("utf-16-be", "utf-32-be") else "") + interchange()).encode(codec)
    with pytest.raises(X12Error, match=rf"encoded as {re.escape(named)}"):
        read_interchanges(raw.decode("latin-1"))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_file_without_a_byte_order_mark_is_named_too(codec):
    """Without a mark the bytes are valid UTF-8 (a NUL beside each letter), so that is how they arrive."""
    named = f"UTF-{codec[4:6]} ({'little' if codec.endswith('le') else 'big'}-endian)"
    with pytest.raises(X12Error, match=re.escape(f"encoded as {named}")):
        read_interchanges(interchange().encode(codec).decode("utf-8"))


def test_utf16_text_decoded_as_such_reads():
    assert segments_of(interchange().encode("utf-16").decode("utf-16")) == segments_of(interchange())


def test_several_interchanges_each_bring_their_own_delimiters():
    odd = Delimiters(element="|", component=">", repetition="!", segment="'")
    both = read_interchanges(interchange() + "\n" + interchange(odd, interchange=906))
    assert [i.control_number for i in both] == ["000000905", "000000906"]
    assert [i.delimiters.element for i in both] == ["*", "|"]
    with pytest.raises(X12Error, match="expected one interchange"):
        read_interchange(interchange() + interchange(interchange=906))


# Sample files that are not complete interchanges, each for the reason SOURCES.md gives.
NOT_INTERCHANGES = {
    "affect-therapeutics-edi-835-parser/exhaustive_sample.txt": "bare ST..SE fragment, no ISA",
    "keironstoddart-edi-835-parser/blue_cross_nc_sample.txt": "bare ST..SE fragment, no ISA",
    "affect-therapeutics-edi-835-parser/sample_835_with_interests.txt": "a PLB split by a stray terminator",
    "albmarin-badX12/bad_file.edi": "not EDI",
    "albmarin-badX12/segment_terminator.edi": "a lone ISA, no terminator, no IEA",
    "albmarin-badX12/unknown_segment_error.edi": "HL/NM1 between GS and ST",
    "imsweb-x12-parser/x12_bad_segment_identifier.txt": "a malformed segment id",
    "imsweb-x12-parser/x12_no_isa_line.txt": "no ISA",
    "kputnam-stupidedi/X212_HR276/case/1.edi": "guide prose before the ISA",
    "kputnam-stupidedi/X221_HP835/case/1.edi": "guide prose before the ISA",
    "kputnam-stupidedi/X221_HP835/case/2.edi": "guide prose before the ISA",
    "kputnam-stupidedi/X221_HP835/case/3a.edi": "guide prose before the ISA",
    "kputnam-stupidedi/X222_HC837/case/1.edi": "guide prose before the ISA",
}


@pytest.mark.parametrize("path", sample_params())
def test_every_complete_sample_interchange_reads_and_the_rest_fail_plainly(path):
    text, name = read_sample(path), str(path.relative_to(SAMPLES))
    if name in NOT_INTERCHANGES:
        with pytest.raises(X12Error):
            read_interchanges(text, strict=False)
    else:
        interchanges = read_interchanges(text, strict=False)
        assert all(len(list(i.transactions())) >= 1 for i in interchanges)


def test_a_bom_file_with_a_different_repetition_separator_reads_strictly():
    text = sample("kputnam-stupidedi/X231A1_FA999/pass/response-to-functional-group-containing-3-837s.edi")
    read = read_interchange(text)
    assert text.startswith("\ufeff") and read.delimiters.repetition == ">"
    assert [t.set_id for t in read.transactions()] == ["999"]


def test_a_file_with_unusual_separators_reads_with_them():
    read = read_interchange(sample("imsweb-x12-parser/x12_valid_different_separators.txt"), strict=False)
    assert (read.delimiters.element, read.delimiters.component, read.delimiters.segment) == ("~", "^", "_")
    assert read.issues == ["SE01 does not match the 34 segments counted from ST to SE (segment 36 SE)"]


def test_three_hundred_interchanges_in_one_file_read_in_order():
    read = read_interchanges(sample("imsweb-x12-parser/x12_multiple_transactions.txt"), strict=False)
    assert len(read) == 312


def test_segments_read_are_the_frozen_values_their_constructor_makes():
    read = read_interchange("ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*"
                            "000000001*0*T*:~GS*HS*A*B*20260101*1200*1*X*005010X279A1~ST*270*0001~BHT*0022*13~"
                            "SE*3*0001~GE*1*1~IEA*1*000000001~")
    [transaction] = read.transactions()
    bht = transaction.body[0]
    expected = Segment("BHT", ("0022", "13"), 4, read.delimiters)
    assert bht == expected and hash(bht) == hash(expected)
    with pytest.raises(AttributeError):
        bht.id = "XX"  # type: ignore[misc]


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_cyclic_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        read_interchanges(sample("LinuxForHealth-x12/demo.837"))
        with pytest.raises(X12Error):
            read_interchanges("ISA*00*bad")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
