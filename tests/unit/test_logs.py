import logging
import sys

from chalicelib.core.logs import WITHHELD, WithheldMessagesText

NAME, BORN = "Quintavalle", "1958-07-23"  # out of the frames' source lines, which a traceback rightly shows


def record_of_chained_errors() -> logging.LogRecord:
    try:
        try:
            {}[NAME]
        except KeyError as error:
            raise ValueError(f"no patient born {BORN}") from error
    except ValueError:
        return logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())


def test_a_traceback_keeps_every_frame_and_type_of_the_chain_but_no_message():
    text = WithheldMessagesText("%(message)s").format(record_of_chained_errors())
    assert NAME not in text and BORN not in text
    assert text.index("builtins.KeyError: " + WITHHELD) < text.index("builtins.ValueError: " + WITHHELD)
    assert text.count("record_of_chained_errors") == 2  # the frame of each exception
