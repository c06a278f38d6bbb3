"""Stage 1: read the articles listed in a corpus catalogue, clean them, split sentences."""
