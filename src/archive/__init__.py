"""archive: a static-site generator for news-analysis archives."""

__version__ = "0.1.0"
