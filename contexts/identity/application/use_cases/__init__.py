"""One module per command or query; each use case is a small callable object."""
