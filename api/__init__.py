"""The HTTP face of the product: FastAPI app, GraphQL for people, REST/CSV for BI tools."""
