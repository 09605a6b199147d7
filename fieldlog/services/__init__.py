"""All reads and writes. Every write is stamped (office, sequence, HLC) and logged."""
