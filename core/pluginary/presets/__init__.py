"""Presets: extracted from every format's files, captured from loaded plugins, kept with their
history in the catalogue, backed up, shared as bundles and converted between formats.

- :mod:`.model`: what a preset is (:class:`~.model.Preset`, :class:`~.model.PresetInfo`...).
- :mod:`.container`: what a format extension registers to read and write its preset files.
- :mod:`.store`: what a storage extension implements to keep presets.
- :mod:`.maps`: the explicit mapping tables of cross-plugin conversion (tier 3).

See ``docs/presets.md``.
"""
