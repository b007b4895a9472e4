"""Key builders for the one table, and the access patterns they serve.

Every partition key starts with its tenant: `FIRM#<firm_id>` or `PRACTICE#<practice_id>`. Ids are ULIDs
(or, for codes, validated tokens) and never contain `#`, so no id can reach into a neighbouring key.

| access pattern                                 | key / index                                          | operation |
| ---------------------------------------------- | ---------------------------------------------------- | --------- |
| firm by id                                     | pk=FIRM#f, sk=FIRM                                   | GetItem   |
| API key by id (authorizer, every request)      | pk=FIRM#f, sk=APIKEY#k                               | GetItem   |
| API keys of a firm                             | pk=FIRM#f, sk begins_with APIKEY#                    | Query     |
| practice of a firm (access check)              | pk=FIRM#f, sk=PRACTICE#p                             | GetItem   |
| practices of a firm                            | pk=FIRM#f, sk begins_with PRACTICE#                  | Query     |
| provider / payer / fee entry by id             | pk=PRACTICE#p, sk=PROVIDER#id / PAYER#id / FEE#id    | GetItem   |
| providers / payers / fee entries of a practice | pk=PRACTICE#p, sk begins_with PROVIDER# / PAYER# ... | Query     |
| fee entries of one code, by effective date     | gsi1: gsi1pk=PRACTICE#p#FEECODE#code, gsi1sk=from    | Query     |
| audit trail of a practice, newest first        | pk=PRACTICE#p, sk begins_with AUDIT# (desc)          | Query     |
| idempotency record of a key, method and path   | pk=FIRM#f (or PLATFORM), sk=IDEM#<key id>#<digest>   | GetItem   |
| patient by id                                  | pk=PRACTICE#p, sk=PATIENT#id                         | GetItem   |
| patients of a practice, newest last            | pk=PRACTICE#p, sk begins_with PATIENT# (kind filter) | Query     |
| patients by name prefix (search, duplicates)   | gsi1: PRACTICE#p#PATIENTS, NAME#LAST#FIRST#dob#id    | Query     |
| patients born on a date (search)               | gsi2: PRACTICE#p#BORN#date, NAME#LAST#FIRST#id       | Query     |
| patient by MRN (and MRN uniqueness)            | pk=PRACTICE#p, sk=MRN#mrn -> patient id              | GetItem   |
| coverages of a patient                         | pk=PRACTICE#p, sk begins_with PATIENT#id#COVERAGE#   | Query     |
| the active coverage of an order (uniqueness)   | pk=PRACTICE#p, sk=PATIENT#id#ORDER#primary           | GetItem   |
| next X12 control number of a practice          | pk=PRACTICE#p, sk=COUNTER#x12-control (UpdateItem ADD) | Update  |
| every practice, for a scheduled job's dispatch | gsi1: PRACTICES, <practice id> (on practice items)   | Query     |
| eligibility checks of a patient, newest first  | pk=PRACTICE#p, sk begins_with PATIENT#id#ELIG# (desc) | Query    |
| visit by id                                    | pk=PRACTICE#p, sk=VISIT#id                           | GetItem   |
| the coding (diagnoses, lines) of a visit       | pk=PRACTICE#p, sk=VISIT#id#CODING                    | GetItem   |
| visits of one practice-local day, by time      | gsi1: PRACTICE#p#VISITS#<date>, <scheduled UTC>#id   | Query     |
| ledger entries of a patient, oldest first      | pk=PRACTICE#p, sk begins_with LEDGER#<patient>#      | Query     |
| a patient's balance (moved with each entry)    | pk=PRACTICE#p, sk=BALANCE#<patient>                  | GetItem   |
| the one posting of a cause (dedupe)            | pk=PRACTICE#p, sk=POSTED#<cause> -> entry            | GetItem   |
| the practice's Stripe connected account        | pk=PRACTICE#p, sk=STRIPE_ACCOUNT                     | GetItem   |
| practice of a connected account (webhooks)     | gsi1: STRIPE_ACCOUNT#<acct id>, PRACTICE#p           | Query     |
| co-pay by id / co-pays of a visit              | pk=PRACTICE#p, sk=COPAY#<visit>#<copay> / begins_with | GetItem / Query |
| co-pay of a PaymentIntent (refund webhooks)    | gsi1: PAYMENT_INTENT#<pi id>, COPAY#<visit>#<copay>  | Query     |
| a Stripe event already handled (dedupe)        | pk=PRACTICE#p, sk=STRIPE_EVENT#<event id>            | GetItem   |
| claim by id / claims of many ids (submission)  | pk=PRACTICE#p, sk=CLAIM#id                           | GetItem / BatchGet |
| a claim's history, oldest first                | pk=PRACTICE#p, sk begins_with CLAIM#id#EVENT#        | Query     |
| the claim of a visit (one live claim each)     | pk=PRACTICE#p, sk=VISIT#id#CLAIM -> claim id         | GetItem   |
| claims of a status (work lists: needs_fix ...) | gsi1: PRACTICE#p#CLAIMS#<status>, <updated>#id       | Query     |
| claims with the same fingerprint (duplicates)  | gsi2: PRACTICE#p#CLAIMFP#<sha256>, <claim id>        | Query     |
| claim by patient control number (999/277/835)  | pk=FIRM#f, sk=PCN#<number> -> practice, claim        | GetItem   |
| claim batch by id / batches of a practice      | pk=PRACTICE#p, sk=BATCH#id / begins_with BATCH#      | GetItem / Query |
| batch by group control number (999 AK102)      | pk=FIRM#f, sk=ICN#<number> -> practice, batch        | GetItem   |
| batch by its 837's BHT03 (277CA 2200B TRN02)   | pk=FIRM#f, sk=BHT#<batch id> -> practice, batch      | GetItem   |
| claims due for follow-up, soonest first        | gsi3: PRACTICE#p#FOLLOWUP, <YYYY-MM-DD>#<claim id>   | Query (<= today) |
| a follow-up continuation already sent (dedupe) | pk=PRACTICE#p, sk=FOLLOWUPJOB#<day>#<part>           | PutItem (cond.) |
| inbound EDI file by id                         | pk=FIRM#f, sk=EDIFILE#id; pk=PRACTICE#p, sk=EDIFILE#id | GetItem |
| inbound file by its bytes' SHA-256 (dedupe)    | pk=FIRM#f, sk=EDIHASH#<sha256> -> file id            | GetItem   |
| inbound files of a status, oldest first        | gsi1: FIRM#f#EDIFILES#<status> / PRACTICE#p#EDIFILES#<status>, <received>#id | Query |
| a claim's status inquiries (276/277), oldest first | pk=PRACTICE#p, sk begins_with CLAIM#id#INQUIRY#  | Query     |
| next 837 control number / claim number of a firm | pk=FIRM#f, sk=COUNTER#x12-837 / COUNTER#claim-pcn  | Update    |
| task by id                                     | pk=PRACTICE#p, sk=TASK#id                            | GetItem   |
| open tasks of a queue: urgent, then soonest due | gsi1: PRACTICE#p#TASKS#<queue>, <rank 0-3>#<due>#id (open only) | Query |
| tasks of a claim, every status                 | gsi2: PRACTICE#p#CLAIMTASKS#<claim id>, <task id>    | Query     |
| a remittance (one 835 set, one practice) and its claims | pk=PRACTICE#p, sk begins_with REMITTANCE#id   | Query     |
| remittances of a practice / of a firm, newest first | gsi1: PRACTICE#p#REMITTANCES / gsi2: FIRM#f#REMITTANCES, <id>[#p] | Query (desc) |
| the claim payments recorded for a claim, newest first (secondary claims) | gsi1: PRACTICE#p#CLAIM#c#REMITS, <remittance id>#<position> | Query (desc) |
| a claim payment already recorded (re-sent 835)  | pk=PRACTICE#p, sk=REMITPAID#<sha256 of TRN02, CLP01, CLP07, CLP02> | BatchGet |
| remittance work item (unmatched or refused)     | pk=FIRM#f or PRACTICE#p, sk=REMITWORK#id             | GetItem   |
| remittance work list of a practice / the firm   | gsi1: PRACTICE#p#REMITWORK / gsi2: FIRM#f#REMITWORK, <id> | Query (desc) |
| denial by id / a practice's, newest first     | pk=PRACTICE#p, sk=DENIAL#id / begins_with DENIAL#    | Get / Query |
| unresolved denials: urgent, soonest appeal due | gsi1: PRACTICE#p#DENIALS, <rank 0-3>#<due>#id       | Query     |
| denials of a firm, every practice's, newest   | gsi2: FIRM#f#DENIALS, <id>                           | Query (desc) |
| a claim's postings (835 entries), oldest first  | pk=PRACTICE#p, sk begins_with CLAIMENTRY#<claim>#    | Query / BatchGet |
| a practice's provider adjustments (PLB), oldest first | pk=PRACTICE#p, sk begins_with PRACTICEENTRY#  | Query     |
| a provider adjustment already posted (re-sent 835) | pk=PRACTICE#p or FIRM#f, sk=PLBSEEN#<sha256>      | BatchGet  |
| operations a crash left half done, by kind     | gsi3: RECOVERY#<kind>, <due at>#<id>                 | Query (<= now) |

Stripe's webhooks name a connected account or a PaymentIntent, not a practice: the two gsi1 partitions keyed
by a Stripe id are the only index partitions that do not start with a tenant. They are read only after the
event's signature is verified, and table keys still always do. The recovery partitions of gsi3 (db/recovery.py)
are platform-wide too: the sweeper is a platform job, and it reads each item it names by its own table key.

Name parts in index keys are normalized (upper case, letters only) and may be empty; they are never part of
a table key, and cursors of index queries carry table keys only (see db/pages.py).
"""
from __future__ import annotations

SEP = "#"


def _part(value: str) -> str:
    if not value or SEP in value:
        raise ValueError("key parts are non-empty and never contain the delimiter")
    return value


def firm_pk(firm_id: str) -> str:
    return f"FIRM#{_part(firm_id)}"


def practice_pk(practice_id: str) -> str:
    return f"PRACTICE#{_part(practice_id)}"


PLATFORM_PK = "PLATFORM"
FIRM_SK = "FIRM"


def api_key_sk(key_id: str) -> str:
    return f"APIKEY#{_part(key_id)}"


def practice_sk(practice_id: str) -> str:
    return f"PRACTICE#{_part(practice_id)}"


def provider_sk(provider_id: str) -> str:
    return f"PROVIDER#{_part(provider_id)}"


def payer_sk(payer_id: str) -> str:
    return f"PAYER#{_part(payer_id)}"


def fee_sk(entry_id: str) -> str:
    return f"FEE#{_part(entry_id)}"


def fee_code_pk(practice_id: str, code: str) -> str:
    return f"{practice_pk(practice_id)}#FEECODE#{_part(code)}"


def audit_sk(record_id: str) -> str:
    return f"AUDIT#{_part(record_id)}"


def idempotency_sk(key_id: str, digest: str) -> str:
    return f"IDEM#{_part(key_id)}#{_part(digest)}"


PREFIXES = {
    "api_key": "APIKEY#",
    "practice": "PRACTICE#",
    "provider": "PROVIDER#",
    "payer": "PAYER#",
    "fee": "FEE#",
    "audit": "AUDIT#",
    "patient": "PATIENT#",
}


def patient_sk(patient_id: str) -> str:
    return f"PATIENT#{_part(patient_id)}"


def mrn_sk(mrn: str) -> str:
    return f"MRN#{_part(mrn)}"


def coverage_sk(patient_id: str, coverage_id: str) -> str:
    return f"PATIENT#{_part(patient_id)}#COVERAGE#{_part(coverage_id)}"


def coverages_prefix(patient_id: str) -> str:
    return f"PATIENT#{_part(patient_id)}#COVERAGE#"


def coverage_order_sk(patient_id: str, order: str) -> str:
    return f"PATIENT#{_part(patient_id)}#ORDER#{_part(order)}"


def patients_by_name_pk(practice_id: str) -> str:
    return f"{practice_pk(practice_id)}#PATIENTS"


def patient_name_sk(last: str, first: str, birth_date: str, patient_id: str) -> str:
    return f"NAME#{last}#{first}#{birth_date}#{_part(patient_id)}"


def patients_born_pk(practice_id: str, birth_date: str) -> str:
    return f"{practice_pk(practice_id)}#BORN#{_part(birth_date)}"


def patient_born_sk(last: str, first: str, patient_id: str) -> str:
    return f"NAME#{last}#{first}#{_part(patient_id)}"


def visit_sk(visit_id: str) -> str:
    return f"VISIT#{_part(visit_id)}"


def visits_on_pk(practice_id: str, day: str) -> str:
    return f"{practice_pk(practice_id)}#VISITS#{_part(day)}"


def counter_sk(name: str) -> str:
    return f"COUNTER#{_part(name)}"


ALL_PRACTICES = "PRACTICES"  # gsi1 partition of every practice, for platform jobs (never a table pk)


def ledger_entry_sk(patient_id: str, entry_id: str) -> str:
    return f"LEDGER#{_part(patient_id)}#{_part(entry_id)}"


def ledger_prefix(patient_id: str) -> str:
    return f"LEDGER#{_part(patient_id)}#"


def balance_sk(patient_id: str) -> str:
    return f"BALANCE#{_part(patient_id)}"


def posted_sk(cause: str) -> str:
    return f"POSTED#{_part(cause)}"


STRIPE_ACCOUNT_SK = "STRIPE_ACCOUNT"


def stripe_account_index_pk(account_id: str) -> str:
    return f"STRIPE_ACCOUNT#{_part(account_id)}"


def copay_sk(visit_id: str, copay_id: str) -> str:
    return f"COPAY#{_part(visit_id)}#{_part(copay_id)}"


def copays_prefix(visit_id: str) -> str:
    return f"COPAY#{_part(visit_id)}#"


def payment_intent_index_pk(payment_intent_id: str) -> str:
    return f"PAYMENT_INTENT#{_part(payment_intent_id)}"


def stripe_event_sk(event_id: str) -> str:
    return f"STRIPE_EVENT#{_part(event_id)}"


def eligibility_sk(patient_id: str, check_id: str) -> str:
    return f"PATIENT#{_part(patient_id)}#ELIG#{_part(check_id)}"


def eligibility_prefix(patient_id: str) -> str:
    return f"PATIENT#{_part(patient_id)}#ELIG#"


def visit_coding_sk(visit_id: str) -> str:
    return f"VISIT#{_part(visit_id)}#CODING"


def claim_sk(claim_id: str) -> str:
    return f"CLAIM#{_part(claim_id)}"


def claim_event_sk(claim_id: str, sequence: int) -> str:
    return f"CLAIM#{_part(claim_id)}#EVENT#{sequence:05d}"


def claim_events_prefix(claim_id: str) -> str:
    return f"CLAIM#{_part(claim_id)}#EVENT#"


def visit_claim_sk(visit_id: str) -> str:
    return f"VISIT#{_part(visit_id)}#CLAIM"


def claims_of_status_pk(practice_id: str, status: str) -> str:
    return f"PRACTICE#{_part(practice_id)}#CLAIMS#{_part(status)}"


def claim_fingerprint_pk(practice_id: str, fingerprint: str) -> str:
    return f"PRACTICE#{_part(practice_id)}#CLAIMFP#{_part(fingerprint)}"


def pcn_sk(patient_control_number: str) -> str:
    return f"PCN#{_part(patient_control_number)}"


def batch_sk(batch_id: str) -> str:
    return f"BATCH#{_part(batch_id)}"


def batch_number_sk(group_control_number: int) -> str:
    return f"ICN#{int(group_control_number)}"


def batch_reference_sk(reference: str) -> str:
    """The 837's BHT03 (our batch id), which a 277CA echoes in 2200B TRN02."""
    return f"BHT#{_part(reference)}"


def follow_up_pk(practice_id: str) -> str:
    return f"{practice_pk(practice_id)}#FOLLOWUP"


def follow_up_sk(day: str, claim_id: str) -> str:
    return f"{_part(day)}#{_part(claim_id)}"


def follow_up_part_sk(day: str, part: int) -> str:
    return f"FOLLOWUPJOB#{_part(day)}#{int(part)}"


def edi_file_sk(file_id: str) -> str:
    return f"EDIFILE#{_part(file_id)}"


def edi_digest_sk(sha256: str) -> str:
    return f"EDIHASH#{_part(sha256)}"


def edi_files_pk(owner_pk: str, status: str) -> str:
    """gsi1 partition of inbound files of one status, under a firm (all files) or a practice (its files)."""
    return f"{owner_pk}#EDIFILES#{_part(status)}"


def status_inquiry_sk(claim_id: str, inquiry_id: str) -> str:
    return f"CLAIM#{_part(claim_id)}#INQUIRY#{_part(inquiry_id)}"


def status_inquiries_prefix(claim_id: str) -> str:
    return f"CLAIM#{_part(claim_id)}#INQUIRY#"


def task_sk(task_id: str) -> str:
    return f"TASK#{_part(task_id)}"


def open_tasks_pk(practice_id: str, queue: str) -> str:
    return f"{practice_pk(practice_id)}#TASKS#{_part(queue)}"


def claim_tasks_pk(practice_id: str, claim_id: str) -> str:
    return f"{practice_pk(practice_id)}#CLAIMTASKS#{_part(claim_id)}"


def recovery_pk(kind: str) -> str:
    """gsi3 partition of one kind of multi-step operation in progress (db/recovery.py): platform-wide."""
    return f"RECOVERY#{_part(kind)}"


def recovery_sk(due: str, item_id: str) -> str:
    return f"{_part(due)}#{_part(item_id)}"


def remittance_sk(remittance_id: str) -> str:
    """One 835 transaction set as one practice sees it; its claims sort right after it (remittance_claim_sk)."""
    return f"REMITTANCE#{_part(remittance_id)}"


def remittance_claim_sk(remittance_id: str, position: int) -> str:
    return f"REMITTANCE#{_part(remittance_id)}#CLAIM#{int(position):05d}"


def remittances_pk(owner_pk: str) -> str:
    """Index partition of remittances: gsi1 under a practice, gsi2 under the firm (every practice's)."""
    return f"{owner_pk}#REMITTANCES"


def claim_remittances_pk(practice_id: str, claim_id: str) -> str:
    """Index partition of one claim's claim payments (gsi1): its latest adjudication is the last, since
    remittance ids are ULIDs of their file and a set's claims are numbered in order."""
    return f"{practice_pk(practice_id)}#CLAIM#{_part(claim_id)}#REMITS"


def claim_remittance_sk(remittance_id: str, position: int) -> str:
    return f"{_part(remittance_id)}#{int(position):05d}"


def claim_payment_sk(digest: str) -> str:
    """A claim payment once recorded: the SHA-256 of TRN02, CLP01, CLP07 and CLP02, which a re-sent 835 repeats."""
    return f"REMITPAID#{_part(digest)}"


def remit_work_sk(item_id: str) -> str:
    return f"REMITWORK#{_part(item_id)}"


def remit_work_pk(owner_pk: str) -> str:
    """Index partition of remittance work items: gsi1 under a practice, gsi2 under the firm (all of them)."""
    return f"{owner_pk}#REMITWORK"


def denial_sk(denial_id: str) -> str:
    """A denial of a claim or line; the practice's denials sort newest last under this prefix (ULID ids)."""
    return f"DENIAL#{_part(denial_id)}"


DENIAL_PREFIX = "DENIAL#"


def denial_queue_pk(practice_id: str) -> str:
    """gsi1 partition of a practice's unresolved denials, sorted by priority rank, appeal due date and id."""
    return f"{practice_pk(practice_id)}#DENIALS"


def firm_denials_pk(firm_id: str) -> str:
    """gsi2 partition of the firm's denials, every practice's, sorted by id (newest last)."""
    return f"{firm_pk(firm_id)}#DENIALS"


def claim_entry_sk(claim_id: str, posting_id: str) -> str:
    """One posting of a claim payment: its entries (insurance payment, adjustments, patient share) together."""
    return f"CLAIMENTRY#{_part(claim_id)}#{_part(posting_id)}"


def claim_entries_prefix(claim_id: str) -> str:
    return f"CLAIMENTRY#{_part(claim_id)}#"


def practice_entry_sk(entry_id: str) -> str:
    """A provider-level adjustment (PLB) posted to the practice."""
    return f"PRACTICEENTRY#{_part(entry_id)}"


PRACTICE_ENTRIES_PREFIX = "PRACTICEENTRY#"


def provider_adjustment_seen_sk(digest: str) -> str:
    """A PLB adjustment once posted: the SHA-256 of the trace, payer, PLB01/02, reason, reference, amount."""
    return f"PLBSEEN#{_part(digest)}"
