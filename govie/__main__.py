"""``python -m govie``: the command line."""
from .cli import main

main()
