"""The web app over the ledger (`counterclaim serve`): pages in `app.py`, what they show in `queries.py`."""
