"""Long work (imports, exports, reports, backups) off the GUI thread, with progress and Cancel.

The work function runs on a pool thread and must not touch widgets; it reports progress
and checks for cancellation through the TaskContext it is given. Results and errors come
back on the GUI thread through Qt's queued signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from crag_desktop.diagnostics import log_internal_error
from crag_desktop.domain.errors import CragError
from crag_desktop.ui.prompts import Prompter, internal_error_text

T = TypeVar("T")


class TaskCancelledError(Exception):
    """Raised by work that noticed the user pressed Cancel."""


class CancellationToken:
    """Set from the GUI thread, read by the work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether Cancel was pressed."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop the work (TaskCancelledError) if Cancel was pressed."""
        if self._event.is_set():
            raise TaskCancelledError

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early on Cancel; True if cancelled."""
        return self._event.wait(seconds)


class _Signals(QObject):
    # Emitted from the pool thread; the receivers live on the GUI thread (queued delivery).
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class TaskContext:
    """What the work function gets: progress reporting and the cancellation token."""

    def __init__(self, *, token: CancellationToken, signals: _Signals) -> None:
        self.token = token
        self._signals = signals

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Report `done` of `total` steps (total 0: unknown); checks for cancellation."""
        self._signals.progress.emit(done, total, text)
        self.token.raise_if_cancelled()

    @property
    def cancelled(self) -> bool:
        """Whether Cancel was pressed."""
        return self.token.cancelled


class _Runnable(QRunnable):
    def __init__(
        self, work: Callable[[TaskContext], object], context: TaskContext, signals: _Signals
    ) -> None:
        super().__init__()
        self._work = work
        self._context = context
        self._signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        """Run the work on a pool thread and report how it ended."""
        try:
            result = self._work(self._context)
        except TaskCancelledError:
            self._signals.cancelled.emit()
        except Exception as exc:
            self._signals.failed.emit(exc)
        else:
            if self._context.token.cancelled:
                self._signals.cancelled.emit()
            else:
                self._signals.succeeded.emit(result)


class Task(QObject):
    """One running piece of work, as the GUI thread sees it."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(
        self,
        *,
        title: str,
        prompter: Prompter,
        dialog_parent: QWidget | None,
        show_progress: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.token = CancellationToken()
        self.signals = _Signals()
        self.context = TaskContext(token=self.token, signals=self.signals)
        self.done = False
        self.error_message: str | None = None
        self._prompter = prompter
        self.dialog: QProgressDialog | None = None
        if show_progress:
            dialog = QProgressDialog(title, "Cancel", 0, 0, dialog_parent)
            dialog.setWindowTitle(title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            # Short work finishes before the dialog appears, so nothing flickers.
            dialog.setMinimumDuration(400)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setAccessibleName(title)
            dialog.canceled.connect(self.cancel)
            self.dialog = dialog
        self.signals.progress.connect(self._on_progress)
        self.signals.succeeded.connect(self._on_succeeded)
        self.signals.failed.connect(self._on_failed)
        self.signals.cancelled.connect(self._on_cancelled)

    def cancel(self) -> None:
        """Ask the work to stop."""
        self.token.cancel()
        if self.dialog is not None and not self.done:
            self.dialog.setLabelText(f"{self.title}: cancelling…")

    def _on_progress(self, done: int, total: int, text: str) -> None:
        dialog = self.dialog
        if dialog is not None and not self.done and not self.token.cancelled:
            dialog.setMaximum(max(total, 0))
            # A window-modal dialog's setValue runs the event loop: the task may finish (and
            # drop its dialog) inside it.
            dialog.setValue(done if total else 0)
            if text and not self.done:
                dialog.setLabelText(text)
        self.progressed.emit(done, total, text)

    def _on_succeeded(self, result: object) -> None:
        self._finish()
        self.succeeded.emit(result)
        self.finished.emit()

    def _on_failed(self, error: object) -> None:
        self._finish()
        if isinstance(error, CragError):
            message = str(error)
        elif isinstance(error, BaseException):
            message = internal_error_text(log_internal_error(error))
        else:
            message = internal_error_text("----")
        self.error_message = message
        self._prompter.error(self.title, message)
        self.failed.emit(message)
        self.finished.emit()

    def _on_cancelled(self) -> None:
        self._finish()
        self.cancelled.emit()
        self.finished.emit()

    def _finish(self) -> None:
        self.done = True
        if self.dialog is not None:
            # reset() stops the dialog's own show-after-a-delay timer: without it the
            # dialog popped up again over the result message (a nested event loop runs
            # timers but not the deferred delete) and trapped the user.
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None


class TaskRunner(QObject):
    """Starts tasks on its own thread pool; app.py makes one and passes it to screens."""

    def __init__(
        self,
        *,
        prompter: Prompter,
        max_threads: int = 2,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._prompter = prompter
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._running: set[Task] = set()

    def start(
        self,
        title: str,
        work: Callable[[TaskContext], T],
        *,
        on_result: Callable[[T], None] | None = None,
        dialog_parent: QWidget | None = None,
        show_progress: bool = True,
    ) -> Task:
        """Run `work` off the GUI thread; `on_result` gets its return value on the GUI thread."""
        task = Task(
            title=title,
            prompter=self._prompter,
            dialog_parent=dialog_parent,
            show_progress=show_progress,
            parent=self,
        )
        if on_result is not None:
            callback = on_result
            task.succeeded.connect(callback)
        self._running.add(task)
        task.finished.connect(lambda: self._forget(task))
        self._pool.start(_Runnable(work, task.context, task.signals))
        return task

    def running(self) -> int:
        """How many tasks have not finished yet."""
        return len(self._running)

    def cancel_all(self) -> None:
        """Ask every running task to stop (the app is locking or quitting)."""
        for task in list(self._running):
            task.cancel()

    def wait_for_done(self, timeout_ms: int = -1) -> bool:
        """Block until the pool threads are idle (for shutdown and tests)."""
        return self._pool.waitForDone(timeout_ms)

    def _forget(self, task: Task) -> None:
        self._running.discard(task)
        task.deleteLater()
