"""``python -m govie``: the command line."""
from .cli import main

if __name__ == "__main__":  # worker processes (spawn) import this module under another name
    main()
