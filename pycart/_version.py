"""pycart's version, written here only: ``pyproject.toml`` reads it (``dynamic``), and
``pycart.__version__``, ``pycart --version`` and ``CITATION.cff`` (checked by a test) agree."""

__version__ = "0.1.0"
