"""newsread's terminal front end: the Textual reader and the typer command line.

It presents what the engine (:mod:`newsread.cleaners`) decided; it decides nothing itself.
"""
