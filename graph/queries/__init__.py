"""All Cypher of the product: constants named by intent, and builders for per-label queries."""
