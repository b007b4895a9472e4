import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.ids import is_id, new_id

millis = st.integers(min_value=0, max_value=2**48 - 1)


@given(millis, millis)
def test_ids_sort_by_their_millisecond(a, b):
    if a < b:
        assert new_id(a) < new_id(b)


@given(millis)
def test_every_new_id_is_a_well_formed_ulid(ms):
    assert is_id(new_id(ms)) and len(new_id(ms)) == 26


def test_ids_made_in_the_same_millisecond_differ():
    assert len({new_id(1_700_000_000_000) for _ in range(1000)}) == 1000


def test_strings_that_are_not_ulids_are_not_ids():
    assert not any(is_id(v) for v in ["", "acme", "01M840610B9DZ0GRXFN6GWBSX", "81M840610B9DZ0GRXFN6GWBSXG",
                                      "01M840610B9DZ0GRXFN6GWBSXU", "01m840610b9dz0grxfn6gwbsxg"])


def test_importing_the_app_loads_no_pydantic_and_no_service_code():
    # Lazily loaded service modules sit unexecuted in sys.modules; had one run, pydantic would be loaded.
    probe = ("import sys, app; print([m for m in sys.modules if m.split('.')[0] in {'pydantic', 'stripe'} "
             "or m.endswith(('tenants.models', '_models'))])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_sequenced_ids_of_one_moment_sort_by_their_number_and_repeat_for_the_same_seed():
    from chalicelib.core.ids import id_ms, is_id, sequenced_id

    ms = 1_800_000_000_000
    made = [sequenced_id(ms, n, f"r:{n}") for n in (1, 2, 3, 10, 200)]
    assert made == sorted(made) and all(is_id(i) and id_ms(i) == ms for i in made)
    assert sequenced_id(ms, 2, "r:2") == made[1] and sequenced_id(ms, 2, "other") != made[1]
