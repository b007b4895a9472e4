"""PynamoDB items of the one table. Every kind shares `Item` and is told apart by `kind`.

The table name comes from settings on first use (not at import), through `_SettingsTable`.
`version` is a VersionAttribute: a first save is conditional on the item not existing, later saves and
deletes on the version read, so concurrent edits fail instead of overwriting (answered 409).
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.connection import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.db.connection import share


class _SettingsTable(type):
    @property
    def table_name(cls) -> str:
        from chalicelib.core.settings import get_settings  # pydantic loads on first use, not at import

        return get_settings().table_name


class _Meta(metaclass=_SettingsTable):
    pass


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(GlobalSecondaryIndex):
    """Sparse and narrow: only items that carry gsi3 keys (claims with a follow-up due, operations in progress
    that a sweeper may have to finish: db/recovery.py), and only the fields a scheduled job needs to pick its
    work; the job then reads the full items by key."""

    class Meta:
        index_name = "gsi3"
        projection = IncludeProjection(["kind", "id", "status", "follow_up_reason"])

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class Item(Model):
    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi2 = Gsi2()
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi3 = Gsi3()
    id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    expires_at = TTLAttribute(null=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """Every kind shares Item's TableConnection (same table, keys and indexes), on the container's one
        DynamoDB client: PynamoDB would build one per class, each with its own session and pool."""
        return share(super(Item, Item)._get_connection())  # PynamoDB keeps it on Item, rebuilt if the name changes


class Recoverable:
    """The attributes of an item whose multi-step operation a sweeper finishes after a crash (db/recovery.py)."""

    recovery_attempts = NumberAttribute(default=0)  # how many times a sweeper took it over
    recovery_error = UnicodeAttribute(null=True)  # why the last attempt failed, or why it was given up
    recovered_at = UnicodeAttribute(null=True)  # when a sweeper finished what a crash had left


class Address(MapAttribute):
    line1 = UnicodeAttribute()
    line2 = UnicodeAttribute(null=True)
    city = UnicodeAttribute()
    state = UnicodeAttribute()
    zip = UnicodeAttribute()


class Firm(Item, discriminator="firm"):
    name = UnicodeAttribute()


class ApiKey(Item, discriminator="api_key"):
    firm_id = UnicodeAttribute()
    role = UnicodeAttribute()
    all_practices = BooleanAttribute()
    practice_ids = ListAttribute(of=UnicodeAttribute, default=list)
    label = UnicodeAttribute(null=True)
    secret_hash = UnicodeAttribute()
    created_by = UnicodeAttribute()
    revoked_at = UnicodeAttribute(null=True)


class Practice(Item, discriminator="practice"):
    firm_id = UnicodeAttribute()
    name = UnicodeAttribute()
    npi = UnicodeAttribute()
    tax_id = UnicodeAttribute()
    address = Address()
    eligibility_max_age_days = NumberAttribute(default=30)
    secondary_claims = UnicodeAttribute(default="on_request")  # automatic | on_request (remits/secondary_claims.py)


class Provider(Item, discriminator="provider"):
    practice_id = UnicodeAttribute()
    entity_type = UnicodeAttribute()
    npi = UnicodeAttribute()
    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    organization_name = UnicodeAttribute(null=True)
    taxonomy_code = UnicodeAttribute()
    roles = ListAttribute(of=UnicodeAttribute)
    active = BooleanAttribute()


class Payer(Item, discriminator="payer"):
    practice_id = UnicodeAttribute()
    name = UnicodeAttribute()
    payer_id = UnicodeAttribute()
    claim_type = UnicodeAttribute()
    timely_filing_days = NumberAttribute()
    claim_filing_indicator = UnicodeAttribute(null=True)  # SBR09; payers made before it existed bill as CI
    days_to_999 = NumberAttribute(null=True)  # follow-up overrides; None: the settings' defaults
    days_to_277ca = NumberAttribute(null=True)
    expected_payment_days = NumberAttribute(null=True)
    address = Address(null=True)
    active = BooleanAttribute()


class FeeScheduleEntry(Item, discriminator="fee"):
    practice_id = UnicodeAttribute()
    code = UnicodeAttribute()
    charge_cents = NumberAttribute()
    effective_from = UnicodeAttribute()
    effective_to = UnicodeAttribute(null=True)


class AuditRecord(Item, discriminator="audit"):
    practice_id = UnicodeAttribute()
    actor_key_id = UnicodeAttribute()
    entity = UnicodeAttribute()
    entity_id = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    request_id = UnicodeAttribute()
    source_ip = UnicodeAttribute(null=True)


class IdempotencyRecord(Item, discriminator="idempotency"):
    request_digest = UnicodeAttribute()
    state = UnicodeAttribute()  # in_progress | done
    response_status = NumberAttribute(null=True)
    response_body = UnicodeAttribute(null=True)
