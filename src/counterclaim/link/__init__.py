"""The link stage: reads the ledger and ties claims together (quote fidelity; propositions next)."""
