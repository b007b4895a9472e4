"""X12 answers as real feeds send them, through the firm's inbox: a last segment without its terminator and
padding after the IEA are read; anything else after the IEA, UTF-16 text and an ISA that declares one character
for two separators make the file `failed`, with a reason that says which, and nothing of it is applied."""
import pytest

from tests.api.test_claims import Practice
from tests.api.test_tracking import claim, deliver, sandbox_answers, submit_all
from tests.api.test_tracking_levels import days_ago


@pytest.fixture
def practice(world, api):
    return Practice(world, api)


def submitted(practice):
    """One claim submitted; (the claim, the sandbox's 999 and 277CA answering its batch, by kind)."""
    ready = practice.claim(at=days_ago(3))
    [batch] = submit_all(practice)["batches"]
    answers = {key.rsplit(".", 1)[-1]: (key, text) for key, text in sandbox_answers(batch).items()}
    return ready, answers


def failed_reason(practice, api):
    [failed] = api.get("/edi-files?status=failed", key=practice.admin)[1]["data"]
    return failed["reason"]


@pytest.mark.parametrize("terminated, ending", [
    (False, ""), (True, "\r\n\x00\x00\x00\x00\x1a"), (False, "\r\n" + " " * 78 + "\r\n")],
    ids=["no final terminator", "NUL fill and DOS end-of-file", "no final terminator, a padded last block"])
def test_a_999_without_its_last_terminator_or_with_padding_after_the_iea_is_applied(app, practice, api, terminated,
                                                                                     ending):
    ready, answers = submitted(practice)
    key, text = answers["999"]
    deliver(app, key, (text if terminated else text.removesuffix("~")) + ending)
    assert claim(practice, api, ready["id"])["acknowledged_at"] is not None
    assert api.get("/edi-files?status=failed", key=practice.admin)[1]["data"] == []


def test_a_999_with_something_else_after_the_iea_fails_and_applies_nothing(app, practice, api):
    ready, answers = submitted(practice)
    key, text = answers["999"]
    deliver(app, key, text + "\r\nGS*FA*SANDBOXCH~")
    assert claim(practice, api, ready["id"])["acknowledged_at"] is None
    assert "text after the IEA segment is neither padding" in failed_reason(practice, api)


@pytest.mark.parametrize("codec, named", [("utf-16", "UTF-16 (little-endian)"), ("utf-16-be", "UTF-16 (big-endian)")])
def test_a_utf16_answer_fails_with_its_encoding_named_and_applies_nothing(app, practice, api, codec, named):
    ready, answers = submitted(practice)
    key, text = answers["999"]
    deliver(app, key, text.encode(codec))
    assert claim(practice, api, ready["id"])["acknowledged_at"] is None
    assert f"the file is encoded as {named}" in failed_reason(practice, api)


def test_a_277ca_whose_isa_declares_one_character_for_two_separators_fails_naming_both(app, practice, api):
    ready, answers = submitted(practice)
    deliver(app, *answers["999"])
    key, text = answers["277ca"]
    assert text[104] == ":" and text[82] == "^"  # ISA16 and ISA11 as the sandbox writes them
    clashing = text.replace(":", "^")  # ISA16 and every composite now use the repetition separator
    deliver(app, key, clashing)
    assert claim(practice, api, ready["id"])["status"] == "submitted"
    reason = failed_reason(practice, api)
    assert "'^' as both the repetition separator (ISA11) and the component separator (ISA16)" in reason
    [listed] = api.get(f"{practice.base}/edi-files?status=failed", key=practice.admin)[1]["data"]
    assert listed["reason"] == reason  # the practice whose claim it names sees the failure too
