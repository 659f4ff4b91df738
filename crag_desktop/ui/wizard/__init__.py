"""Wizards: the criteria decision wizard used live at CRAG meetings."""

from crag_desktop.ui.wizard.criteria_wizard import CriteriaWizard
from crag_desktop.ui.wizard.pages import PageId

__all__ = ["CriteriaWizard", "PageId"]
