"""A report's pages inside the app: QtPdf's view, with page navigation and zoom.

The bytes are read from memory (`report_output.pdf_document`), so an unprotected report
is never written to a temporary file to be shown. Keys: Page Up / Page Down (and
Ctrl+Home / Ctrl+End) move by page, Ctrl++ and Ctrl+- zoom, Ctrl+0 fits the width.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.ui.report_output import pdf_document
from crag_desktop.ui.views.filter_bar import FlowLayout

#: Each Zoom in multiplies the size by this; Zoom out divides by it.
ZOOM_STEP = 1.25
MIN_ZOOM = 0.25
MAX_ZOOM = 4.0


class ReportPreview(QWidget):
    """The pages of one report held in memory (or a sentence saying there is none yet)."""

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: QPdfDocument | None = None
        # What the view holds when no report is shown: detaching with None makes Qt warn.
        self._blank = QPdfDocument(self)

        self.previous_button = self._button("◀", "Previous page (Page Up)", self.previous_page)
        self.next_button = self._button("▶", "Next page (Page Down)", self.next_page)
        self.page_box = QSpinBox()
        self.page_box.setAccessibleName("Page number")
        self.page_box.setToolTip("Type a page number and press Enter to go to it")
        self.page_box.setKeyboardTracking(False)
        self.page_box.setMaximumWidth(self.page_box.fontMetrics().horizontalAdvance("0000") + 40)
        self.page_box.setRange(0, 0)
        self.page_box.valueChanged.connect(lambda page: self.go_to_page(page - 1))
        self.page_count_label = QLabel("of 0")
        self.page_count_label.setAccessibleName("Number of pages")
        self.fit_width_button = self._button("Fit width", "Fit the page's width (Ctrl+0)")
        self.fit_width_button.setCheckable(True)
        self.fit_width_button.clicked.connect(lambda _checked=False: self.fit_width())
        self.fit_page_button = self._button("Fit page", "Show the whole page")
        self.fit_page_button.setCheckable(True)
        self.fit_page_button.clicked.connect(lambda _checked=False: self.fit_page())
        self.zoom_out_button = self._button("−", "Zoom out (Ctrl+-)", self.zoom_out)
        self.zoom_in_button = self._button("+", "Zoom in (Ctrl++)", self.zoom_in)
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("400%") + 4)

        self.view = QPdfView(self)
        self.view.setAccessibleName("Preview of the report's pages")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.view.zoomFactorChanged.connect(lambda _zoom: self._show_zoom())
        self.view.zoomModeChanged.connect(lambda _mode: self._show_zoom())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("role", "subtitle")

        # Two groups that wrap onto a second line as wholes when the preview is narrow
        # (1024 px): page navigation, then zoom.
        pages = QHBoxLayout()
        pages.setContentsMargins(0, 0, 0, 0)
        pages.setSpacing(2)
        for widget in (
            self.previous_button,
            self.page_box,
            self.page_count_label,
            self.next_button,
        ):
            pages.addWidget(widget)
        zoom = QHBoxLayout()
        zoom.setContentsMargins(0, 0, 0, 0)
        zoom.setSpacing(2)
        for widget in (
            self.fit_width_button,
            self.fit_page_button,
            self.zoom_out_button,
            self.zoom_label,
            self.zoom_in_button,
        ):
            zoom.addWidget(widget)
        bar = FlowLayout(spacing=10)
        for group in (pages, zoom):
            holder = QWidget()
            holder.setLayout(group)
            bar.addWidget(holder)
        self.toolbar = QWidget()
        self.toolbar.setLayout(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_PageDown), self.next_page),
            (QKeySequence(Qt.Key.Key_PageUp), self.previous_page),
            (QKeySequence("Ctrl+End"), lambda: self.go_to_page(self.page_count - 1)),
            (QKeySequence("Ctrl+Home"), lambda: self.go_to_page(0)),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence("Ctrl+0"), self.fit_width),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        self.set_placeholder("")

    def _button(
        self, text: str, tip: str, slot: object | None = None, *, name: str | None = None
    ) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(name or tip.split(" (", maxsplit=1)[0])
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if callable(slot):
            button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- what is shown -------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        """Pages of the report shown (0 when none)."""
        return self.document.pageCount() if self.document is not None else 0

    @property
    def current_page(self) -> int:
        """The page in view, from 0."""
        return self.view.pageNavigator().currentPage()

    def show_pdf(self, data: bytes) -> None:
        """Show the report whose bytes are `data`, at its first page, fitted to the width."""
        document = pdf_document(data, parent=self)
        self._drop_document()
        self.document = document
        self.view.setDocument(document)
        self.empty.hide()
        self.view.show()
        self.page_box.blockSignals(True)
        self.page_box.setRange(1, max(1, document.pageCount()))
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)
        noun = "page" if document.pageCount() == 1 else "pages"
        self.page_count_label.setText(f"of {document.pageCount()}")
        self.page_count_label.setToolTip(f"{document.pageCount()} {noun}")
        self.fit_width()
        self.go_to_page(0)
        self._enable(True)

    def set_placeholder(self, text: str) -> None:
        """Show no report: drop the one shown (its bytes go with it) and say `text`."""
        self._drop_document()
        self.view.hide()
        self.empty.setText(text)
        self.empty.show()
        self.page_box.blockSignals(True)
        self.page_box.setRange(0, 0)
        self.page_box.blockSignals(False)
        self.page_count_label.setText("of 0")
        self._enable(False)

    def _drop_document(self) -> None:
        self.view.setDocument(self._blank)
        if self.document is not None:
            self.document.close()
            self.document.deleteLater()
            self.document = None

    def _enable(self, enabled: bool) -> None:
        for widget in (
            self.page_box,
            self.fit_width_button,
            self.fit_page_button,
            self.zoom_in_button,
            self.zoom_out_button,
        ):
            widget.setEnabled(enabled)
        self._update_buttons()
        self._show_zoom()

    # --- navigation ----------------------------------------------------------------------

    def go_to_page(self, page: int) -> None:
        """Show page `page` (from 0) at its top."""
        if self.document is None or not 0 <= page < self.page_count:
            return
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._page_changed(page)

    def next_page(self) -> None:
        """The next page (Page Down)."""
        self.go_to_page(self.current_page + 1)

    def previous_page(self) -> None:
        """The previous page (Page Up)."""
        self.go_to_page(self.current_page - 1)

    def _page_changed(self, page: int) -> None:
        if self.document is not None and self.page_box.value() != page + 1:
            self.page_box.blockSignals(True)
            self.page_box.setValue(page + 1)
            self.page_box.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.document is not None
        self.previous_button.setEnabled(has and self.current_page > 0)
        self.next_button.setEnabled(has and self.current_page < self.page_count - 1)

    # --- zoom ----------------------------------------------------------------------------

    @property
    def zoom_mode(self) -> QPdfView.ZoomMode:
        """Fit to width, fit in view, or a custom factor."""
        return self.view.zoomMode()

    @property
    def zoom_factor(self) -> float:
        """The custom zoom (1.0 is the page's printed size on screen)."""
        return self.view.zoomFactor()

    def fit_width(self) -> None:
        """Fit the page's width to the view (Ctrl+0)."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._keep_page()

    def fit_page(self) -> None:
        """Show a whole page at once."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._keep_page()

    def zoom_in(self) -> None:
        """Larger (Ctrl++)."""
        self._zoom_to(self._effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        """Smaller (Ctrl+-)."""
        self._zoom_to(self._effective_zoom() / ZOOM_STEP)

    def _effective_zoom(self) -> float:
        """The zoom factor on screen, whichever mode set it (a fit mode computes its own)."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.document is None:
            return self.view.zoomFactor()
        size = self.document.pagePointSize(max(self.current_page, 0))
        viewport = self.view.viewport().size()
        # Points to pixels at the screen's resolution, as QPdfView sizes a page at zoom 1.
        dpi = self.view.logicalDpiX() / 72
        width = viewport.width() / (size.width() * dpi)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return width
        return min(width, viewport.height() / (size.height() * dpi))

    def _zoom_to(self, factor: float) -> None:
        if self.document is None:
            return
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(MIN_ZOOM, min(MAX_ZOOM, factor)))
        self._keep_page()

    def _keep_page(self) -> None:
        # Zooming moves the scroll position; the page being read stays in view.
        page = self.current_page
        if self.document is not None:
            self.go_to_page(page)
        self._show_zoom()

    def _show_zoom(self) -> None:
        mode = self.view.zoomMode()
        self.fit_width_button.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(mode == QPdfView.ZoomMode.FitInView)
        if self.document is None:
            self.zoom_label.setText("")
        else:
            self.zoom_label.setText(f"{round(self._effective_zoom() * 100)}%")
