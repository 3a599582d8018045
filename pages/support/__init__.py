"""Support for the pages: cache wrappers, page furniture, access; not pages themselves."""
