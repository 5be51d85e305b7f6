"""The built-in cleaners, one module per kind of boilerplate. They register through entry points like plugins."""
