"""Presets: extracted from every format's files, captured from loaded plugins, kept with their
history in the catalogue, backed up, shared as bundles and converted between formats.

- :mod:`.model`: what a preset is (:class:`~.model.Preset`, :class:`~.model.PresetInfo`...).
- :mod:`.container`: what a format extension registers to read and write its preset files.
- :mod:`.store`: what a storage extension implements to keep presets.
- :mod:`.maps`: the explicit mapping tables of cross-plugin conversion (tier 3).
- :mod:`.extract`: incremental extraction from every container's folders.
- :mod:`.worker`, :mod:`.runner`, :mod:`.replay`: loading a plugin in its own process to
  capture a preset or put one into it, in plain units.
- :mod:`.convert`: the three conversion tiers; :mod:`.diff`: parameter-level comparison.
- :mod:`.backup`: incremental, verified backups; :mod:`.bundle`, :mod:`.bundle_read`,
  :mod:`.bundle_schema`: the sharing bundle (``docs/presets-bundle.md``).

See ``docs/presets.md``.
"""
