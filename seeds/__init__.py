"""The demo data set and the scalable generator; they load through the graph store."""
