"""newsread's benchmarks, one tool: ``python -m bench COMMAND [ARGS]`` from the repository root.

See bench/README.md for today's figures and how each was measured.
"""
