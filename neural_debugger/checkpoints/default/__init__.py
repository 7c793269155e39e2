"""The default checkpoint `load_predictor()` uses; see MODEL.md for how it was trained."""
