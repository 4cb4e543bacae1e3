"""Service functions: they write and flush, and leave the commit to their caller."""
