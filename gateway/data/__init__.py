"""Read routes of the pulled data types, and the catalog of every name a data type goes by."""
