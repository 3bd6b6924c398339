"""Validating plugins the way pluginval checks one: five levels of checks every format shares.

The checks live here, once (:mod:`.levels`: 1 load, 2 :mod:`.parameters`, 3 :mod:`.audio` with
:mod:`.signals`, 4 :mod:`.state`, 5 :mod:`.stress`); a format extension adds only the glue that
instantiates and runs its plugins (:mod:`.host`). :mod:`.worker` runs one plugin's levels in a
process of its own, :mod:`.run` drives the workers within per-level budgets (:mod:`.plan` reads
them from the compatibility rules) and :mod:`.report` writes HTML and JSON reports. See
docs/validation.md.
"""
