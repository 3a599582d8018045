"""Files in, files out: spreadsheets, numbers, columns, matching, the importer, the store."""
