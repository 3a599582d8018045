"""Build time only: upstream sources, region reference, geometry, TopoJSON, tile layout."""
