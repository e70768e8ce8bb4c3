"""Training of govie's trainable components (used by ``govie train`` and ``training/``)."""
