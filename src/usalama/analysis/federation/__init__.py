"""Federation between usalama installations, without Django: identities (Ed25519 for
signatures, X25519 for encryption), signed and encrypted bundles, and the private set
intersection behind the hit/no-hit check. Pure functions over bytes; see ``docs/sharing.md``.
"""
