"""Office keys: who signed a bundle, who may read it, and whom this office trusts."""
