"""Altair / Vega-Lite spec builders: choropleth, gauges, what-if charts, tiles, projector."""
