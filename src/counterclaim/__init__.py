"""counterclaim: attributed claims from news articles and interview transcripts."""

__version__ = "0.1.0"
