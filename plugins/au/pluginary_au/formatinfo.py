"""The AU format as Pluginary declares it: plain data per OS.

Audio Units exist only on macOS, so only darwin has roots. Info.plist is readable anywhere
(tier 0); instantiating (tier 2) needs macOS and pedalboard, so only darwin plans it and needs
it, and a Linux catalogue of a Mac's bundles is not filled with "failed" tier-2 attempts.
"""

from __future__ import annotations

import importlib.util

from pluginary.models import FormatInfo, Requirement
from pluginary.scan.roots import current_os

FORMAT = "au"

ROOTS: dict[str, tuple[str, ...]] = {
    "darwin": ("/Library/Audio/Plug-Ins/Components", "~/Library/Audio/Plug-Ins/Components"),
}

PEDALBOARD = Requirement(kind="python", name="pedalboard",
                         advice="pip install 'pluginary-au[load]' (tier 2 instantiates Audio "
                                "Units through pedalboard; the Info.plist catalogue works "
                                "without it)")


def format_info(os_name: str | None = None, *, can_load: bool | None = None) -> FormatInfo:
    """The FormatInfo for ``os_name`` (this machine's OS by default).

    Tier 2 is planned only on macOS with pedalboard importable (``can_load``, found out when
    None): without it every Audio Unit would end ``failed`` at tier 2, while the Info.plist
    catalogue is complete; ``pluginary doctor`` still names the missing extra.
    """
    on_macos = (os_name or current_os()) == "darwin"
    if can_load is None:
        can_load = importlib.util.find_spec("pedalboard") is not None
    return FormatInfo(
        name=FORMAT,
        description="Audio Units (macOS): Info.plist AudioComponents and auval -a, "
                    "pedalboard for instantiation",
        default_roots=ROOTS,
        requirements=(PEDALBOARD,) if on_macos else (),
        tiers=(0, 2) if on_macos and can_load else (0,),
    )
