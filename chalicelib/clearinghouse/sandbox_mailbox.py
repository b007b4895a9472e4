"""The sandbox clearinghouse at the mailbox: it answers an 837 from a firm's outbox with the files a real one
puts in that firm's inbox, a 999 and (when the 999 rejected no set) a 277CA, by the rules of sandbox_claims.

The local event runner calls it for each new outbox file, and tests call it, so the tracking loop runs end to
end without a clearinghouse: 837 out, 999 and 277CA in, claims accepted or rejected. The answers' names sort
999 before 277CA, the order a clearinghouse sends them in. Their control numbers repeat the 837's ISA13: the
sandbox keeps no counter, and the 999's AK102 is what ties it to the batch anyway.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.clearinghouse import sandbox_claims
from chalicelib.clearinghouse.mailbox import INBOX, OUTBOX
from chalicelib.edi.x12.reader import read_interchange
from chalicelib.edi.x12.writer import ControlNumbers


def answer_names(outbox_key: str) -> tuple[str, str]:
    """The inbox keys of the 999 and the 277CA answering `outbox/<firm>/<practice>/<batch>.837`."""
    parts = outbox_key.split("/")
    if len(parts) != 4 or parts[0] + "/" != OUTBOX or not parts[3].endswith(".837"):
        raise ValueError("not an 837 in a firm's outbox: outbox/<firm>/<practice>/<batch>.837")
    firm, batch = parts[1], parts[3].removesuffix(".837")
    return f"{INBOX}{firm}/{batch}-1.999", f"{INBOX}{firm}/{batch}-2.277ca"


def answer(outbox_key: str, text_837: str, created: datetime) -> dict[str, str]:
    """Inbox key -> text of each answer to the 837."""
    interchange = read_interchange(text_837)
    number = int(interchange.control_number)
    controls = ControlNumbers(number, number, 1)
    usage = "P" if interchange.usage == "P" else "T"
    answers = sandbox_claims.answer(text_837, controls, controls, created=created, usage=usage)
    name_999, name_277ca = answer_names(outbox_key)
    files = {name_999: answers.text_999}
    if answers.text_277ca is not None:
        files[name_277ca] = answers.text_277ca
    return files
