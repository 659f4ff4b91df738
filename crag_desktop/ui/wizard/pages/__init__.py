"""The pages of the criteria wizard, one module each; the state they share is in
`crag_desktop.ui.wizard.state`."""
