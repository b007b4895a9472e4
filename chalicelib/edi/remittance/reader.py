"""Reading an 835 (005010X221A1) into `Remittance` values (result.py): one per transaction set.

Table 1 (header): BPR payment, TRN trace, CUR, REF*EV/F2, DTM*405 production date; loop 1000A payer (N1*PR
with N3, N4, REF*2U/EO/HI/NF, PER*CX/BL/IC), loop 1000B payee (N1*PE with N3, N4, REF*TJ/PQ/..., RDM).
Table 2 (detail): loop 2000 header number (LX, TS3, TS2); loop 2100 claim payment (CLP, CAS, NM1 QC/IL/74/
82/TT/PR/GB, MIA, MOA, REF, DTM 050/232/233/036, PER, AMT, QTY); loop 2110 service payment (SVC, DTM
472/150/151, CAS, REF, AMT, QTY, LQ). Table 3 (summary): PLB provider adjustments.

The envelope is read leniently by default (x12/reader.py): a payer's miscounted SE01 must not hold up its
money, so such issues are returned in `envelope_issues` for the caller to weigh. A functional group that is
not HP (health care claim payment/advice) but holds an 835, or an 835 of another guide, is refused.
Balancing (balance.py) is reported per claim and per transaction, never raised. Amounts are integer cents
(`parse_cents`: finer than a cent is refused, never rounded); errors name positions and elements, never values.
"""
from __future__ import annotations

from datetime import date

from chalicelib.edi.claim.values import read_components, read_date, read_decimal
from chalicelib.edi.remittance import balance
from chalicelib.edi.remittance.codes import VERSION
from chalicelib.edi.remittance.loops import ClaimDraft, LineDraft, PartyDraft, adjustments, cents, elements
from chalicelib.edi.remittance.result import (
    Adjudication, ClaimPayment, Entity, Payment, ProviderAdjustment, ProviderSummary, Reference, Remark, Remittance,
)
from chalicelib.edi.x12.reader import Interchange, TransactionSet, cyclic_gc_paused, read_interchanges
from chalicelib.edi.x12.segments import Segment, X12Error

_GUIDES = (VERSION, "005010X221")  # the A1 addenda and the base guide read alike
_PLB_PAIRS = range(3, 15, 2)  # PLB03-04 ... PLB13-14: six (reason:reference, amount)
_LINE_DATES = {"472": 0, "150": 1, "151": 2}
_CLAIM_DATES = {"232": "statement_from", "233": "statement_to", "050": "received", "036": "coverage_expires"}


def read_835(text: str, *, strict: bool = False) -> list[Remittance]:
    """Every 835 transaction set of every interchange in `text`, in order. With `strict=True` a miscounted
    envelope raises instead of being reported."""
    with cyclic_gc_paused():  # the values read are no more cyclic than the segments (x12/reader.py)
        found = _read(text, strict)
    if not found:
        raise X12Error("no 835 transaction set in the file")
    return found


def _read(text: str, strict: bool) -> list[Remittance]:
    found: list[Remittance] = []
    for interchange in read_interchanges(text, strict=strict):
        for group in interchange.groups:
            for transaction in group.transactions:
                if transaction.set_id != "835":
                    continue
                if group.functional_id != "HP" or (transaction.convention or group.version) not in _GUIDES:
                    raise X12Error("an 835 must sit in a functional group HP (GS01) and follow 005010X221A1 "
                                   "(ST03 or GS08)", transaction.header.position, "ST")
                found.append(_Walk(transaction).read(interchange, group.control_number))
    return found


class _Walk:
    """One 835 body, read once: each segment goes to the loop it belongs to (header, party, claim or line)."""

    def __init__(self, transaction: TransactionSet) -> None:
        self.transaction = transaction
        self.bpr: Segment | None = None
        self.trn: Segment | None = None
        self.production: date | None = None
        self.references: list[Reference] = []
        self.parties: dict[str, PartyDraft] = {}
        self.party: PartyDraft | None = None
        self.summaries: list[ProviderSummary] = []
        self.claims: list[ClaimPayment] = []
        self.claim: ClaimDraft | None = None
        self.line: LineDraft | None = None
        self.plb: list[ProviderAdjustment] = []
        self.issues: list[str] = []
        self.handlers = {"BPR": self._bpr, "TRN": self._trn, "N1": self._n1, "N3": self._address,
                         "N4": self._address, "PER": self._per, "REF": self._ref, "DTM": self._dtm, "LX": self._lx,
                         "TS3": self._ts3, "TS2": self._ts2, "CLP": self._clp, "CAS": self._cas, "NM1": self._nm1,
                         "MIA": self._mia, "MOA": self._moa, "AMT": self._amt, "QTY": self._qty, "SVC": self._svc,
                         "LQ": self._lq, "PLB": self._plb}

    def read(self, interchange: Interchange, group_control: str) -> Remittance:
        handlers = self.handlers
        for segment in self.transaction.body:
            handler = handlers.get(segment.id)
            if handler is not None:
                handler(segment)
        self._close_claim()
        header = self.transaction.header
        if self.bpr is None or self.trn is None:
            raise X12Error("an 835 needs its BPR and TRN segments", header.position, "ST")
        if "PR" not in self.parties or "PE" not in self.parties:
            raise X12Error("an 835 needs its payer (N1*PR) and payee (N1*PE)", header.position, "ST")
        payment = self._payment(self.bpr, self.trn)
        claims = tuple(self.claims)
        broken = balance.transaction_imbalance(payment, claims, self.plb)
        return Remittance(self.transaction.control_number, payment, self.production, self.parties["PR"].build(),
                          self.parties["PE"].build(), claims, tuple(self.plb), tuple(self.summaries),
                          tuple(self.references), (broken,) if broken else (), interchange.control_number,
                          group_control, interchange.sender, tuple(interchange.issues), tuple(self.issues))

    def _date(self, segment: Segment, n: int) -> date | None:
        """A date that does not read is reported, not raised: no amount depends on it, and a payer's typo in a
        check date (a published sample has BPR16 20002316) must not hold up the remittance."""
        if not segment.element(n):
            return None
        try:
            return read_date(segment, n)
        except X12Error as error:
            self.issues.append(str(error))
            return None

    def _payment(self, bpr: Segment, trn: Segment) -> Payment:
        if bpr.element(3) not in ("C", "D"):
            raise X12Error("BPR03 must be C (credit) or D (debit)", bpr.position, "BPR")
        return Payment(bpr.element(1), cents(bpr, 2), bpr.element(3) == "C", bpr.element(4), bpr.element(5),
                       self._date(bpr, 16), trn.element(1), trn.element(2), trn.element(3), trn.element(4),
                       bpr.element(15))

    def _bpr(self, segment: Segment) -> None:
        self.bpr = segment

    def _trn(self, segment: Segment) -> None:
        self.trn = self.trn or segment  # one TRN in the header; the guide allows no other

    def _n1(self, segment: Segment) -> None:
        self.party = self.parties[segment.element(1)] = PartyDraft(segment)

    def _address(self, segment: Segment) -> None:
        if self.party is not None and self.claim is None:
            self.party.address.extend(v for v in segment.elements[:3] if v)

    def _per(self, segment: Segment) -> None:
        if self.party is not None and self.claim is None:
            self.party.contacts.append(segment.elements)

    def _ref(self, segment: Segment) -> None:
        e = elements(segment, 2)
        reference = Reference(e[0], e[1])
        if self.line is not None:
            self.line.references.append(reference)
        elif self.claim is not None:
            self.claim.references.append(reference)
        elif self.party is not None:
            self.party.references.append(reference)
        else:
            self.references.append(reference)

    def _dtm(self, segment: Segment) -> None:
        qualifier = segment.elements[0] if segment.elements else ""
        if self.line is not None:
            if qualifier in _LINE_DATES:
                self.line.dates[_LINE_DATES[qualifier]] = self._date(segment, 2)
        elif self.claim is not None:
            if qualifier in _CLAIM_DATES:
                self.claim.dates[_CLAIM_DATES[qualifier]] = self._date(segment, 2)
        elif qualifier == "405":
            self.production = self._date(segment, 2)

    def _lx(self, segment: Segment) -> None:
        self._close_claim()
        self.summaries.append(ProviderSummary(segment.element(1)))

    def _ts3(self, segment: Segment) -> None:
        if self.summaries:
            last = self.summaries[-1]
            self.summaries[-1] = ProviderSummary(last.number, segment.elements, last.supplemental)

    def _ts2(self, segment: Segment) -> None:
        if self.summaries:
            last = self.summaries[-1]
            self.summaries[-1] = ProviderSummary(last.number, last.summary, segment.elements)

    def _clp(self, segment: Segment) -> None:
        self._close_claim()
        self.claim = ClaimDraft(segment, self.summaries[-1].number if self.summaries else "")

    def _cas(self, segment: Segment) -> None:
        target = self.line or self.claim
        if target is None:
            raise X12Error("CAS outside a claim (loop 2100) or service line (loop 2110)", segment.position, "CAS")
        target.adjustments.extend(adjustments(segment))

    def _nm1(self, segment: Segment) -> None:
        if self.claim is not None and self.line is None:
            e = elements(segment, 9)
            self.claim.entities.append(Entity(e[0], e[1], e[2], e[3], e[4], e[7], e[8]))

    def _mia(self, segment: Segment) -> None:
        if self.claim is not None:
            remarks = [segment.element(n) for n in (5, 20, 21, 22, 23, 24) if segment.element(n)]
            self.claim.adjudication.append(Adjudication("inpatient", segment.elements, tuple(remarks)))

    def _moa(self, segment: Segment) -> None:
        if self.claim is not None:
            remarks = [segment.element(n) for n in (3, 4, 5, 6, 7) if segment.element(n)]
            self.claim.adjudication.append(Adjudication("outpatient", segment.elements, tuple(remarks)))

    def _amt(self, segment: Segment) -> None:
        target = self.line or self.claim
        if target is not None:
            e = elements(segment, 2)
            target.amount(e[0], cents(segment, 2, e[1]))

    def _qty(self, segment: Segment) -> None:
        target = self.line or self.claim
        if target is not None and segment.element(2):
            target.quantity(segment.element(1), read_decimal(segment, 2))

    def _svc(self, segment: Segment) -> None:
        if self.claim is None:
            raise X12Error("SVC outside a claim (loop 2100)", segment.position, "SVC")
        self.line = LineDraft(segment, len(self.claim.lines) + 1)
        self.claim.lines.append(self.line)

    def _lq(self, segment: Segment) -> None:
        if self.line is not None:
            self.line.remarks.append(Remark(segment.element(1), segment.element(2)))

    def _plb(self, segment: Segment) -> None:
        self._close_claim()
        provider, period, elements = segment.element(1), self._date(segment, 2), segment.elements
        for n in _PLB_PAIRS:
            if n > len(elements):
                break
            if elements[n - 1]:
                reason = (read_components(segment, n) + ("", ""))[:2]
                self.plb.append(ProviderAdjustment(provider, period, reason[0], reason[1], cents(segment, n + 1)))

    def _close_claim(self) -> None:
        if self.claim is not None:
            self.claims.append(self.claim.build())
        self.claim, self.line, self.party = None, None, None
