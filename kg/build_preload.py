"""Imported by the build's forkserver (:func:`kg.build_map.run_local`): the extraction
context (lexicon, recognisers' models) is loaded there once, so every map worker forked from it
starts with the models loaded and shares their memory instead of loading its own copy."""

from kg.build_map import preload_context

preload_context()
