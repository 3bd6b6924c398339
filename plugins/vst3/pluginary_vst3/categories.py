"""VST3 sub-categories and the role they imply, shared by the moduleinfo and factory readers.

VST3 classes declare ``subCategories`` as a ``|``-separated string (``"Fx|Dynamics"``), the SDK's
``PlugType`` constants in ``ivstaudioprocessor.h``. The mapping to :class:`~pluginary.models.Role`:

* any ``Instrument`` token (``Instrument``, ``Instrument|Synth``, ``Instrument|Sampler``...)
  → ``instrument`` (wins over everything else);
* else any ``Analyzer`` token (``Analyzer``, ``Fx|Analyzer``) → ``analyzer``;
* else ``Fx`` or any other known effect type (``Delay``, ``Dynamics``, ``EQ``, ``Reverb``,
  ``Spatial``, ``Up-Downmix``, ``Generator``...) → ``effect``;
* else (only ``Mono``/``Stereo``/``OnlyRT``... or nothing) → ``unknown``.

VST3 has no MIDI-effect category, so ``midi-effect`` is never produced here.
"""

from __future__ import annotations

from pluginary.models import Role

__all__ = ["EFFECT_TOKENS", "role_from_subcategories", "split_subcategories"]

#: Tokens that make a class an effect (``Fx`` itself and the SDK's ``kFx*`` sub types).
EFFECT_TOKENS = frozenset(
    {
        "fx",
        "delay",
        "distortion",
        "dynamics",
        "eq",
        "filter",
        "generator",
        "mastering",
        "modulation",
        "pitch shift",
        "restoration",
        "reverb",
        "spatial",
        "surround",
        "tools",
        "network",
        "up-downmix",
        "vocals",
        "ambisonics",
    }
)


def split_subcategories(text: str) -> tuple[str, ...]:
    """``"Fx|Dynamics"`` → ``("Fx", "Dynamics")``; empty tokens dropped, order kept."""
    return tuple(token.strip() for token in text.split("|") if token.strip())


def role_from_subcategories(subcategories: tuple[str, ...] | list[str]) -> Role:
    """The role a host would file a class under, from its sub-categories (see module doc)."""
    tokens = {token.strip().lower() for item in subcategories for token in item.split("|")}
    if "instrument" in tokens:
        return Role.INSTRUMENT
    if "analyzer" in tokens:
        return Role.ANALYZER
    if tokens & EFFECT_TOKENS:
        return Role.EFFECT
    return Role.UNKNOWN
