"""Agency returns: each agency's open actions out as a workbook, its updates back in.

What an agency updates: progress updates belong to agency actions, and an action's owner is
the agency that answers for it (a recommendation's lead agency coordinates; the actions it
owns itself are in its return like any other). So an agency's return lists every action it
owns that is still open: its recommendation is not closed and the action's own latest
update does not close it either.

The import appends one progress update per filled row through the same path as the
updates given at a meeting (`RecordService.append_updates`): in one transaction, all or
nothing, each recommendation audited with the return's file and agency as the reason, plus
one "import" event for the return itself. That event is also what refuses a second import
of the same return: updates are never deleted, so a return imported twice would record
every update twice, and a refusal that says when it was imported is the only safe answer
(an agency with more to say fills in a new return).
"""

from __future__ import annotations

import secrets
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from crag_desktop.domain.errors import CragError, RecordNotFound, ValidationFailed
from crag_desktop.domain.records import Agency, AgencyAction, Recommendation
from crag_desktop.domain.tracker import derived_status, latest_update, recommendation_code
from crag_desktop.domain.vocabulary import RecommendationStatus
from crag_desktop.domain.wording import short_date_time
from crag_desktop.reports.agency_return import (
    AgencyReturnSheet,
    FilledRow,
    NotAReturn,
    ReturnItem,
    ReturnWorkbook,
    read_return,
    write_return,
)
from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database
from crag_desktop.services.records import ProgressUpdate, RecordService
from crag_desktop.services.report_files import write_audited_file
from crag_desktop.storage import audit, repositories
from crag_desktop.storage.queries import lookups

__all__ = [
    "RETURN_RECORD",
    "AgencyReturns",
    "ExportedReturn",
    "PlannedUpdate",
    "ReturnPlan",
    "ReturnRefused",
    "action_code",
    "action_is_open",
    "action_status",
]

#: The audit trail's record type for a return (its id is the return's own).
RETURN_RECORD = "agency_return"
#: Larger than any return: a return of 1,000 rows is about 200 kB.
MAX_RETURN_BYTES = 20 * 1024 * 1024
#: How much of an update the command line's list shows.
SHORT_UPDATE = 60


class ReturnRefused(CragError):
    """Nothing was appended; `problems` says why, one sentence each."""

    def __init__(self, name: str, problems: Sequence[str]) -> None:
        count = len(problems)
        super().__init__(
            f"Nothing was appended from {name}: {count} problem{'s' if count != 1 else ''} to "
            "put right first."
        )
        self.problems = list(problems)


class ReturnProtected(CragError):
    """A return encrypted with a passphrase that was not given, or not the right one."""


def action_code(review_title: str, number: int, action_number: int) -> str:
    """ "Baby L R3 A1": the first action of Baby L's third recommendation."""
    return f"{recommendation_code(review_title, number)} A{action_number}"


def _base_status(recommendation: Recommendation, action: AgencyAction) -> RecommendationStatus:
    latest = latest_update(action.updates)
    return latest.status if latest is not None else recommendation.status


def _open_actions(session: Session, owner_agency_id: str | None) -> list[tuple[str, str, str]]:
    """(recommendation id, action id, owner) of the open actions (of one agency when given),
    by the rule of `action_is_open`, worked out in SQL."""
    open_statuses = [status.value for status in RecommendationStatus if not status.closed]
    return [
        (recommendation, action, owner)
        for recommendation, action, owner, latest in lookups.actions_with_latest_status(
            session, open_statuses=open_statuses, owner_agency_id=owner_agency_id
        )
        if latest is None or not RecommendationStatus(latest).closed
    ]


def action_is_open(recommendation: Recommendation, action: AgencyAction) -> bool:
    """Whether an agency still reports on the action: neither its recommendation nor its own
    latest update is closed (completed, verified, impact evidenced, not implemented)."""
    return not recommendation.status.closed and not _base_status(recommendation, action).closed


def action_status(
    recommendation: Recommendation, action: AgencyAction, as_of: date
) -> RecommendationStatus:
    """The action's status as of a day: its latest update's (else its recommendation's),
    overdue once its due date (else the recommendation's) has passed."""
    base = _base_status(recommendation, action)
    return derived_status(base, action.due or recommendation.due, as_of, (base,))


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportedReturn:
    """What an export wrote."""

    return_id: str
    agency_name: str
    items: int
    as_of: date


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedUpdate:
    """A filled row that will be appended as one progress update."""

    row: int
    code: str
    recommendation_id: str
    action_id: str
    status: RecommendationStatus
    #: The status was not proposed: the action's current one is kept.
    status_kept: bool
    note: str

    def line(self) -> str:
        """ "Row 5  Baby L R3 A1  On track  Training booked for all…": the command's list."""
        note = " ".join(self.note.split())
        if len(note) > SHORT_UPDATE:
            note = note[: SHORT_UPDATE - 1] + "…"
        kept = " (kept)" if self.status_kept else ""
        return f"Row {self.row}: {self.code} — {self.status.label}{kept} — {note}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnPlan:
    """What importing a return would append, and what stops it (nothing is appended while
    there are problems)."""

    name: str
    agency_name: str
    #: The day each update is dated: the day the return is imported.
    on: date
    updates: tuple[PlannedUpdate, ...]
    #: One sentence each: the file's, then the rows' in row order.
    problems: tuple[str, ...]
    #: Rows with neither an update nor a proposed status.
    skipped: int


def _status_by_text() -> dict[str, RecommendationStatus]:
    found: dict[str, RecommendationStatus] = {}
    for status in RecommendationStatus:
        found[status.label.casefold()] = status
        found[status.value.casefold()] = status
    return found


def _check_file(path: Path) -> None:
    """A regular file of sensible size, or a sentence."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CragError(f"There is no file {path}: check the name.") from None
    except OSError as error:
        raise CragError(f"{path.name} could not be read ({error.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise CragError(f"{path.name} is not a file: choose the agency's return (.xlsx).")
    if info.st_size > MAX_RETURN_BYTES:
        raise NotAReturn(
            f"{path.name} is far larger than an agency return ({info.st_size / 1e6:.0f} MB): "
            "choose the return that CRAG Desktop exported."
        )


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, once `_check_file` has found it fit to read."""
    _check_file(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise CragError(f"{path.name} could not be read ({error.strerror}).") from None


class AgencyReturns:
    """Export an agency's return; read, check and import a filled one.

    `today` is the day updates are dated and statuses worked out (injectable for tests).
    """

    def __init__(self, *, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today
        # Whether a date lies in the future is judged against the real day, as the forms
        # judge it (ui/working_day.py); `today` only dates the updates and works out statuses.
        self._records = RecordService(db=db)

    # --- export ---------------------------------------------------------------------------

    def agencies(self) -> list[Agency]:
        """Every agency, by name (to choose whose return to export)."""
        return self._records.agencies()

    def open_action_counts(self) -> dict[str, int]:
        """How many open actions each agency owns, by agency id (none: not listed): what
        its return would hold."""
        with self._db.unit_of_work() as session:
            found = _open_actions(session, None)
        counts: dict[str, int] = {}
        for _recommendation, _action, owner in found:
            counts[owner] = counts.get(owner, 0) + 1
        return counts

    def find_agency(self, name: str) -> Agency:
        """The agency called `name` (or with that id), ignoring case; a sentence naming the
        agencies there are when none or several match."""
        wanted = " ".join(name.split()).casefold()
        agencies = self.agencies()
        by_id = [a for a in agencies if a.id.casefold() == wanted]
        by_name = [a for a in agencies if " ".join(a.name.split()).casefold() == wanted]
        found = by_id or by_name or [a for a in agencies if a.name.casefold().startswith(wanted)]
        if len(found) == 1:
            return found[0]
        names = "; ".join(a.name for a in (found or agencies))
        if found:
            raise CragError(f"“{name}” names more than one agency ({names}): give the full name.")
        raise CragError(f"There is no agency “{name}”. The agencies are: {names or 'none yet'}.")

    def sheet(self, agency_id: str, *, as_of: date | None = None) -> AgencyReturnSheet:
        """The return of `agency_id`: its open actions by review and number."""
        day = as_of or self._today()
        with self._db.unit_of_work() as session:
            agency = repositories.get(session, Agency, agency_id)
            # Only the recommendations with an open action of the agency are loaded: a large
            # tracker holds tens of thousands (benchmarks: 100,000 referrals).
            wanted = sorted({key for key, _action, _owner in _open_actions(session, agency.id)})
            reviews = {row.id: row.title for row in lookups.review_titles(session)}
            recommendations = repositories.recommendations_with_ids(session, wanted)
        items: list[tuple[tuple[str, int, int], ReturnItem]] = []
        for record in recommendations:
            title = reviews.get(record.review, record.review)
            for number, action in enumerate(record.actions, start=1):
                if action.owner_agency != agency.id or not action_is_open(record, action):
                    continue
                latest = latest_update(action.updates)
                item = ReturnItem(
                    recommendation_id=record.id,
                    action_id=action.id,
                    code=action_code(title, record.number, number),
                    review_title=title,
                    recommendation_text=record.text,
                    action_text=action.description,
                    due=action.due or record.due,
                    status_label=action_status(record, action, day).label,
                    latest_note=latest.note if latest is not None else "",
                    latest_on=latest.on if latest is not None else None,
                )
                items.append(((title.casefold(), record.number, number), item))
        items.sort(key=lambda pair: pair[0])
        return AgencyReturnSheet(
            return_id=secrets.token_hex(8),
            agency_id=agency.id,
            agency_name=agency.name,
            as_of=day,
            exported_at=datetime.now(UTC),
            status_labels=tuple(status.label for status in RecommendationStatus),
            items=tuple(item for _key, item in items),
        )

    def export(
        self,
        agency_id: str,
        out: Path,
        *,
        as_of: date | None = None,
        passphrase: str | None = None,
    ) -> ExportedReturn:
        """Write the agency's return to `out` (XLSX; encrypted when `passphrase` is given),
        audited as it lands, atomically, user-only, never over a database."""
        from crag_desktop.reports.protection import encrypt_xlsx, normalise_pdf_passphrase

        if passphrase is not None:
            # A passphrase too short fails before the return is built.
            normalise_pdf_passphrase(passphrase)
        view = self.sheet(agency_id, as_of=as_of)
        write_audited_file(
            self._db,
            out,
            write_return(view),
            protect=encrypt_xlsx,
            action="export",
            record_type=RETURN_RECORD,
            record_id=view.return_id,
            what="agency return",
            details=[
                ("agency", view.agency_name),
                ("items", str(len(view.items))),
                ("as of", view.as_of.isoformat()),
            ],
            passphrase=passphrase,
        )
        return ExportedReturn(
            return_id=view.return_id,
            agency_name=view.agency_name,
            items=len(view.items),
            as_of=view.as_of,
        )

    # --- import ---------------------------------------------------------------------------

    @staticmethod
    def is_protected(path: Path) -> bool:
        """Whether the return at `path` needs a passphrase to open."""
        from crag_desktop.reports.protection import NotAWorkbook, is_encrypted_xlsx

        _check_file(path)
        try:
            return is_encrypted_xlsx(path)
        except NotAWorkbook:
            raise NotAReturn.not_a_workbook(path.name) from None
        except OSError as error:
            raise CragError(f"{path.name} could not be read ({error.strerror}).") from None

    @staticmethod
    def read(path: Path, *, passphrase: str | None = None) -> ReturnWorkbook:
        """The filled return at `path`, decrypted with `passphrase` when it is protected;
        one sentence when it cannot be read or is not a return."""
        from crag_desktop.reports.protection import (
            NotAWorkbook,
            WrongWorkbookPassphrase,
            decrypt_xlsx,
            workbook_is_encrypted,
        )

        data = _read_bytes(path)
        try:
            if workbook_is_encrypted(data):
                if passphrase is None:
                    raise ReturnProtected(
                        f"{path.name} is protected with a passphrase: give the passphrase it "
                        "was exported with."
                    )
                data = decrypt_xlsx(data, passphrase)
        except NotAWorkbook:
            raise NotAReturn.not_a_workbook(path.name) from None
        except WrongWorkbookPassphrase as error:
            raise ReturnProtected(str(error)) from None
        return read_return(data, name=path.name)

    def plan(self, workbook: ReturnWorkbook, *, name: str) -> ReturnPlan:
        """What importing `workbook` (the file `name`) would append, and the problems that
        stop it."""
        with self._db.unit_of_work() as session:
            return self._plan(session, workbook, name)

    def append(self, workbook: ReturnWorkbook, *, name: str) -> tuple[ReturnPlan, Changes]:
        """Append one update per filled row in one transaction, audited with the file and the
        agency; ReturnRefused (nothing appended) while there is any problem. Checked again
        inside the transaction, so a change made since the preview cannot slip through."""
        with self._db.unit_of_work() as session:
            plan = self._plan(session, workbook, name)
            if plan.problems:
                raise ReturnRefused(name, plan.problems)
            if not plan.updates:
                return plan, Changes()
            entries = [
                ProgressUpdate(
                    recommendation_id=update.recommendation_id,
                    action_id=update.action_id,
                    status=update.status,
                    note=update.note,
                    label=f"Row {update.row} ({update.code})",
                )
                for update in plan.updates
            ]
            try:
                changes = self._records.append_updates(
                    session,
                    entries,
                    on=plan.on,
                    by=None,
                    meeting=None,
                    reason=f"Agency return of {workbook.agency_name} ({name})",
                    what="The agency return",
                )
            except ValidationFailed as failed:
                raise ReturnRefused(
                    name, [f"{error.message}." for error in failed.errors]
                ) from None
            self._db.audit(
                session,
                action="import",
                record_type=RETURN_RECORD,
                record_id=workbook.return_id,
                changes=[
                    ("file", None, name),
                    ("agency", None, workbook.agency_name),
                    ("updates", None, str(len(plan.updates))),
                    ("dated", None, plan.on.isoformat()),
                ],
            )
        return plan, changes

    def _plan(self, session: Session, workbook: ReturnWorkbook, name: str) -> ReturnPlan:
        on = self._today()
        problems = self._file_problems(session, workbook, name)
        filled = [row for row in workbook.rows if row.update or row.proposed_status]
        skipped = len(workbook.rows) - len(filled)
        updates: list[PlannedUpdate] = []
        if not problems:
            statuses = _status_by_text()
            agencies = {agency.id: agency.name for agency in repositories.list_all(session, Agency)}
            seen: dict[tuple[str, str], int] = {}
            for row in filled:
                planned, problem = self._check_row(
                    session,
                    workbook=workbook,
                    row=row,
                    statuses=statuses,
                    agencies=agencies,
                    seen=seen,
                )
                if problem:
                    problems.append(problem)
                elif planned is not None:
                    updates.append(planned)
        return ReturnPlan(
            name=name,
            agency_name=workbook.agency_name,
            on=on,
            updates=tuple(updates),
            problems=tuple(problems),
            skipped=skipped,
        )

    def _file_problems(self, session: Session, workbook: ReturnWorkbook, name: str) -> list[str]:
        imported = audit.list_events(
            session,
            record_type=RETURN_RECORD,
            record_id=workbook.return_id,
            action="import",
            limit=1,
        )
        if imported:
            event = imported[0]
            count = next((new for field, _old, new in event.changes if field == "updates"), "")
            what = f" ({count} updates)" if count else ""
            return [
                f"{name} was already imported on "
                f"{short_date_time(event.at.astimezone(), joiner=' at ')} by "
                f"{event.operator}{what}: importing it again would record every update twice. "
                "For further updates, export a new return for the agency."
            ]
        exported = audit.list_events(
            session,
            record_type=RETURN_RECORD,
            record_id=workbook.return_id,
            action="export",
            limit=1,
        )
        if not exported:
            return [
                f"{name} was not exported from this database (its audit trail has no record "
                "of this return): import it into the database it came from."
            ]
        try:
            repositories.get(session, Agency, workbook.agency_id)
        except RecordNotFound:
            return [
                f"{name} is the return of {workbook.agency_name}, which is no longer in the "
                "database: add the agency again, or record the updates on each "
                "recommendation's form."
            ]
        return []

    def _check_row(
        self,
        session: Session,
        *,
        workbook: ReturnWorkbook,
        row: FilledRow,
        statuses: dict[str, RecommendationStatus],
        agencies: dict[str, str],
        seen: dict[tuple[str, str], int],
    ) -> tuple[PlannedUpdate | None, str | None]:
        where = f"Row {row.row} ({row.code or 'no code'})"
        if row.recommendation_id is None or row.action_id is None:
            return None, (
                f"{where} is not an item of the return as exported (unknown code): rows "
                "cannot be added to a return; record that update on the recommendation's form."
            )
        if row.fingerprint != row.exported_fingerprint:
            return None, (
                f"{where}: its code or text was changed after export, so the update cannot be "
                "matched to its action for certain: put the row back as exported and fill in "
                "only the update and the status."
            )
        key = (row.recommendation_id, row.action_id)
        if key in seen:
            return None, f"{where} is the same item as row {seen[key]}: keep one of the two."
        seen[key] = row.row
        try:
            record = repositories.get(session, Recommendation, row.recommendation_id)
        except RecordNotFound:
            record = None
        found = (
            None
            if record is None
            else next(
                ((n, a) for n, a in enumerate(record.actions, 1) if a.id == row.action_id), None
            )
        )
        if record is None or found is None:
            return None, (
                f"{where}: there is no such action in the tracker any more (unknown code; it "
                "was deleted since the return was exported)."
            )
        _number, action = found
        if action.owner_agency != workbook.agency_id:
            owner = agencies.get(action.owner_agency, action.owner_agency)
            return None, (
                f"{where} is an action of {owner}, not of {workbook.agency_name}: only the "
                "agency that owns an action returns on it."
            )
        if not action_is_open(record, action):
            closed_as = _base_status(record, action)
            return None, (
                f"{where} was closed since the return was exported (“{closed_as.label}”): "
                "nothing more is appended to it; record the update on the recommendation's "
                "form if it still matters."
            )
        if row.has_formula:
            return None, (
                f"{where}: the update or the status is a formula, not text: type the words "
                "themselves."
            )
        status: RecommendationStatus | None = None
        if row.proposed_status:
            status = statuses.get(" ".join(row.proposed_status.split()).casefold())
            if status is None:
                allowed = ", ".join(s.label for s in RecommendationStatus)
                return None, (
                    f"{where}: “{row.proposed_status}” is not a status: choose one of {allowed}."
                )
        if not row.update:
            return None, (
                f"{where} proposes a status but gives no update: write the progress the status "
                "rests on, or clear the status."
            )
        return PlannedUpdate(
            row=row.row,
            code=row.code,
            recommendation_id=record.id,
            action_id=action.id,
            status=status or _base_status(record, action),
            status_kept=status is None,
            note=row.update,
        ), None
