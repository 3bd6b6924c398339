"""Audio Units registered with the system but found in no scanned bundle.

``auval -a`` lists what the component registry knows: Apple's own Audio Units (built into
AudioToolbox or under ``/System/Library/Components``), AUv3 app extensions inside applications,
and legacy Component Manager bundles whose Info.plist declares nothing. When a scan covers the
default roots on macOS, each registration that no scanned bundle's Info.plist declares becomes a
candidate of its own, with the pseudo-path ``auval:<type>:<subtype>:<manufacturer>``; its records
have no bundle path. There is no file to stat, so the registered "Vendor: Name" is its
fingerprint: a rename reloads it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pluginary.models import Candidate, Fingerprint, PluginRecord
from pluginary.scan.roots import roots_for

from . import auval, codes, infoplist
from .formatinfo import FORMAT, format_info

log = logging.getLogger(__name__)

PREFIX = "auval:"
#: The Fingerprint.path of every registration: the command it comes from.
SOURCE = "auval -a"


def on_macos() -> bool:
    return sys.platform == "darwin"


def registered() -> auval.Listing:
    return auval.run()


def default_roots() -> list[Path]:
    return [Path(str(p)) for p in roots_for(format_info("darwin"), os_name="darwin")]


def covers_defaults(roots: Sequence[Path]) -> bool:
    """A scan of the default roots (no paths given, or ``--defaults``): only then is the whole
    registry wanted; scanning one folder must not add every system Audio Unit."""
    defaults = {str(p) for p in default_roots()}
    return not roots or any(str(Path(r).expanduser()) in defaults for r in roots)


def candidate_for(registration: auval.Registration) -> Candidate:
    return Candidate(format=FORMAT, path=PREFIX + registration.uid,
                     fingerprint=Fingerprint(path=SOURCE, size=0, mtime_ns=0,
                                             metadata=registration.full_name))


def unbundled(bundles: Iterable[Path | infoplist.Declaration],
              registrations: Iterable[auval.Registration]) -> list[Candidate]:
    """Candidates for the registrations that none of ``bundles`` declares in its Info.plist.
    A bundle given as its :class:`~pluginary_au.infoplist.Declaration` is not read again."""
    declared: set[str] = set()
    for bundle in bundles:
        declared |= (bundle.uids if isinstance(bundle, infoplist.Declaration)
                     else infoplist.declared_uids(bundle))
    return [candidate_for(r) for r in registrations if r.uid not in declared]


def discover(bundles: Sequence[Path | infoplist.Declaration],
             roots: Sequence[Path]) -> list[Candidate]:
    """The registry-only candidates of a scan: none off macOS or when the defaults are not
    scanned, and none (with a warning) when auval fails."""
    if not on_macos() or not covers_defaults(roots):
        return []
    listing = registered()
    if listing.cause:
        log.warning("Audio Units registered outside the scanned folders are not listed: %s",
                    listing.cause)
        return []
    return unbundled(bundles, listing.registrations)


def is_registration(candidate: Candidate) -> bool:
    return candidate.path.startswith(PREFIX)


def record_of(candidate: Candidate) -> PluginRecord | None:
    """The tier-0 record of a registry-only candidate, from its path and fingerprint; None when
    the path is not ``auval:`` and three four-char codes."""
    ident = candidate.path.removeprefix(PREFIX)
    # Cut by column: a code may itself contain ":" or spaces.
    if len(ident) != 14 or ident[4] != ":" or ident[9] != ":":
        return None
    type_code, subtype, manufacturer = ident[0:4], ident[5:9], ident[10:14]
    full_name = candidate.fingerprint.metadata if candidate.fingerprint else ""
    vendor, name = codes.split_name(full_name)
    extra = {"type": type_code, "subtype": subtype, "manufacturer": manufacturer,
             "type_name": codes.type_name(type_code), "source": SOURCE}
    return PluginRecord(
        format=FORMAT, uid=codes.uid(type_code, subtype, manufacturer),
        name=name or codes.uid(type_code, subtype, manufacturer), vendor=vendor,
        role=codes.role_of(type_code),
        midi_inputs=1 if type_code in codes.MIDI_IN_TYPES else 0,
        # The pseudo-path as file_path keeps bundle_path empty: there is no bundle to point at.
        file_path=candidate.path, tier=0, extra=extra)
