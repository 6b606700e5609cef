"""Question banks: the file format, loading, validation and statistics."""
