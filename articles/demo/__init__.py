"""Demo content and the synthetic archive: the demo desk (`loader.py`, `content.py`) and the corpus generator for benchmarks (`corpus.py`)."""
