"""Runtime assets, mapped into the package as `crag_desktop.resources` when it is built
(pyproject.toml, `package-dir`). Read them through `crag_desktop.assets`."""
