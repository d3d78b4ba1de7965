"""lakead from PySpark: thin wrappers over the Java classes in dev.lakead.ml (see lakead.ml)."""
