"""Numbers into sentences and tables in a language: press release, what-if texts, the deck."""
