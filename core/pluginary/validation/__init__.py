"""Validating plugins the way pluginval checks one: levels of checks every format shares.

The checks live here, once; a format extension adds only the glue that instantiates and runs
its plugins (:mod:`pluginary.validation.host`). This package holds the audio checks of level 3
(:mod:`.signals`, :mod:`.audio`); the ``validate`` command, the other levels, the isolated
workers and the stored results come with the rest of issue 13 (see docs/validation.md).
"""
