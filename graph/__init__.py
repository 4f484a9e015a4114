"""The graph layer: embedded server, driver, schema, every Cypher query, repositories and subgraph loaders."""
