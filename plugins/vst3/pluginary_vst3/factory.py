"""Tier 1: read a VST3 module's class factory through ctypes, without instantiating a plugin.

The sequence is what a host does before ``createInstance``:

1. ``dlopen`` the binary (``RTLD_LOCAL``);
2. the module entry: Linux ``ModuleEntry(void* dlopen_handle)``, macOS
   ``bundleEntry(CFBundleRef)``, Windows ``InitDll()`` -- each only if exported;
3. ``GetPluginFactory()`` → ``IPluginFactory*``;
4. ``getFactoryInfo``, ``countClasses``, and per class ``getClassInfo2`` through
   ``queryInterface(IPluginFactory2)``, falling back to ``getClassInfo``;
5. ``release()`` the interfaces, then ``ModuleExit()``/``bundleExit()``/``ExitDll()``.

The library is never unloaded (ctypes keeps it mapped); the scan engine runs this in a
disposable worker process, because a broken plugin can crash it.

COM layout (``pluginterfaces/base/funknown.h``, ``ipluginbase.h``): an interface pointer points
at a vtable pointer; the vtable slots are FUnknown ``queryInterface, addRef, release``, then
IPluginFactory ``getFactoryInfo, countClasses, getClassInfo, createInstance``, then
IPluginFactory2 ``getClassInfo2``, then IPluginFactory3 ``getClassInfoUnicode,
setHostContext``. ``PLUGIN_API`` is ``__stdcall`` on Windows (identical to the C convention on
x64) and the plain C convention elsewhere, with ``this`` as the first argument.

Class ids (TUID, 16 bytes): the SDK's ``INLINE_UID(l1, l2, l3, l4)`` stores the four 32-bit
words big-endian on non-Windows builds, and in the COM ``GUID`` layout on Windows
(``COM_COMPATIBLE``: ``l1`` little-endian, the two 16-bit halves of ``l2`` little-endian each,
``l3``/``l4`` big-endian). ``FUID::toString`` prints ``%08X%08X%08X%08X`` of ``l1..l4`` -- on
non-Windows that is simply the 16 memory bytes in hex, on Windows the GUID fields. That string
is the canonical form moduleinfo.json, .vstpreset files and hosts use; :func:`cid_to_hex`
produces it.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pluginary.models import Format, PluginRecord

from .categories import role_from_subcategories, split_subcategories
from .diagnose import explain_load_error

__all__ = [
    "AUDIO_MODULE_CLASS",
    "IID_FUNKNOWN",
    "IID_IPLUGINFACTORY",
    "IID_IPLUGINFACTORY2",
    "IID_IPLUGINFACTORY3",
    "FactoryResult",
    "cid_to_hex",
    "inline_uid",
    "juce_uid_hash",
    "read_factory",
]

AUDIO_MODULE_CLASS = "Audio Module Class"

#: DECLARE_CLASS_IID values from vst3_pluginterfaces ``base/funknown.h`` / ``ipluginbase.h``.
IID_FUNKNOWN = (0x00000000, 0x00000000, 0xC0000000, 0x00000046)
IID_IPLUGINFACTORY = (0x7A4D811C, 0x52114A1F, 0xAED9D2EE, 0x0B43BF9F)
IID_IPLUGINFACTORY2 = (0x0007B650, 0xF24B4C0B, 0xA464EDB9, 0xF00B2ABB)
IID_IPLUGINFACTORY3 = (0x4555A2AB, 0xC1234E57, 0x9B122910, 0x36878931)

_K_RESULT_OK = 0

_IS_WINDOWS = sys.platform == "win32"


def inline_uid(l1: int, l2: int, l3: int, l4: int, *, com_compatible: bool = _IS_WINDOWS) -> bytes:
    """The 16 bytes ``INLINE_UID(l1, l2, l3, l4)`` gives (Windows layout if ``com_compatible``)."""
    if com_compatible:
        return (
            l1.to_bytes(4, "little")
            + (l2 >> 16).to_bytes(2, "little")
            + (l2 & 0xFFFF).to_bytes(2, "little")
            + l3.to_bytes(4, "big")
            + l4.to_bytes(4, "big")
        )
    return b"".join(v.to_bytes(4, "big") for v in (l1, l2, l3, l4))


def cid_to_hex(raw: bytes, *, com_compatible: bool = _IS_WINDOWS) -> str:
    """The canonical 32-uppercase-hex form of a TUID as it sits in memory (``FUID::toString``)."""
    if len(raw) != 16:
        raise ValueError(f"a TUID has 16 bytes, not {len(raw)}")
    if com_compatible:
        l1 = int.from_bytes(raw[0:4], "little")
        d2 = int.from_bytes(raw[4:6], "little")
        d3 = int.from_bytes(raw[6:8], "little")
        return f"{l1:08X}{d2:04X}{d3:04X}{raw[8:].hex().upper()}"
    return raw.hex().upper()


def juce_uid_hash(uid: str) -> str:
    """JUCE's ``PluginDescription::uniqueId`` for a VST3 class id, as the hex in identifiers.

    JUCE hashes the four ``FUID::getLong1..4`` words (``getHashForRange(getNormalisedTUID(cid))``,
    ``value = value * 31 + word`` in uint32); ``createIdentifierString`` appends it in lower-case
    hex without padding, so pedalboard's ``VST3-ZamComp-1c893ab4-b089a0c5`` ends in
    ``juce_uid_hash("2046504473616C63504D435A00000000")``. The third field is a hash of the path.
    """
    if len(uid) != 32:
        raise ValueError(f"a VST3 uid has 32 hex digits, not {len(uid)}")
    value = 0
    for i in range(0, 32, 8):
        value = (value * 31 + int(uid[i : i + 8], 16)) & 0xFFFFFFFF
    return f"{value:x}"


class PFactoryInfo(ctypes.Structure):
    _fields_ = (
        ("vendor", ctypes.c_char * 64),
        ("url", ctypes.c_char * 256),
        ("email", ctypes.c_char * 128),
        ("flags", ctypes.c_int32),
    )


class PClassInfo(ctypes.Structure):
    _fields_ = (
        ("cid", ctypes.c_ubyte * 16),
        ("cardinality", ctypes.c_int32),
        ("category", ctypes.c_char * 32),
        ("name", ctypes.c_char * 64),
    )


class PClassInfo2(ctypes.Structure):
    _fields_ = (
        ("cid", ctypes.c_ubyte * 16),
        ("cardinality", ctypes.c_int32),
        ("category", ctypes.c_char * 32),
        ("name", ctypes.c_char * 64),
        ("classFlags", ctypes.c_uint32),
        ("subCategories", ctypes.c_char * 128),
        ("vendor", ctypes.c_char * 64),
        ("version", ctypes.c_char * 64),
        ("sdkVersion", ctypes.c_char * 64),
    )


_FUNCTYPE: Any = getattr(ctypes, "WINFUNCTYPE", None) if _IS_WINDOWS else None
if _FUNCTYPE is None:
    _FUNCTYPE = ctypes.CFUNCTYPE

_vp = ctypes.c_void_p
_QUERY_INTERFACE = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_char_p, ctypes.POINTER(_vp))
_RELEASE = _FUNCTYPE(ctypes.c_uint32, _vp)
_GET_FACTORY_INFO = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.POINTER(PFactoryInfo))
_COUNT_CLASSES = _FUNCTYPE(ctypes.c_int32, _vp)
_GET_CLASS_INFO = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_int32, ctypes.POINTER(PClassInfo))
_GET_CLASS_INFO2 = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_int32, ctypes.POINTER(PClassInfo2))

# vtable slots
_SLOT_QUERY_INTERFACE = 0
_SLOT_RELEASE = 2
_SLOT_GET_FACTORY_INFO = 3
_SLOT_COUNT_CLASSES = 4
_SLOT_GET_CLASS_INFO = 5
_SLOT_GET_CLASS_INFO2 = 7


@dataclass(frozen=True)
class FactoryResult:
    """The audio module classes of one module, or why they could not be read (``cause``)."""

    records: tuple[PluginRecord, ...] = ()
    cause: str = ""
    #: ``vendor``, ``url``, ``email``, ``flags`` of PFactoryInfo (non-empty values only).
    factory: dict[str, str] = field(default_factory=dict)
    #: How many classes the factory lists, of any category (controllers included).
    class_count: int = 0

    @property
    def ok(self) -> bool:
        """True when the factory was read (it may still hold no audio module class)."""
        return not self.cause


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").strip()


def _method(this: int, slot: int, proto: Any) -> Any:
    vtable = ctypes.cast(ctypes.cast(this, ctypes.POINTER(_vp))[0], ctypes.POINTER(_vp))
    address = vtable[slot]
    if not address:
        raise _FactoryError(f"factory vtable slot {slot} is null")
    return proto(address)


class _FactoryError(Exception):
    pass


def _symbol(lib: ctypes.CDLL, name: str) -> Any | None:
    try:
        return getattr(lib, name)
    except AttributeError:
        return None


@contextmanager
def _module_entry(lib: ctypes.CDLL, binary: Path, bundle: Path) -> Iterator[None]:
    """Call the platform's module entry before, and its exit after, the factory is used."""
    if sys.platform == "darwin":
        entry, exit_ = _symbol(lib, "bundleEntry"), _symbol(lib, "bundleExit")
        if entry is not None:
            entry.restype = ctypes.c_bool
            entry.argtypes = [_vp]
            if not entry(_cf_bundle(bundle)):
                raise _FactoryError("bundleEntry() returned false")
    elif _IS_WINDOWS:
        entry, exit_ = _symbol(lib, "InitDll"), _symbol(lib, "ExitDll")
        if entry is not None:
            entry.restype = ctypes.c_bool
            entry.argtypes = []
            if not entry():
                raise _FactoryError("InitDll() returned false")
    else:
        entry, exit_ = _symbol(lib, "ModuleEntry"), _symbol(lib, "ModuleExit")
        if entry is not None:
            entry.restype = ctypes.c_bool
            entry.argtypes = [_vp]
            if not entry(lib._handle):
                raise _FactoryError("ModuleEntry() returned false")
    try:
        yield
    finally:
        if entry is not None and exit_ is not None:
            exit_.restype = ctypes.c_bool
            exit_.argtypes = []
            exit_()


def _cf_bundle(bundle: Path) -> int | None:  # pragma: no cover - macOS only
    """A ``CFBundleRef`` for ``bundle`` (leaked: the worker exits soon after)."""
    cf = ctypes.CDLL("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation")
    cf.CFURLCreateFromFileSystemRepresentation.restype = _vp
    cf.CFURLCreateFromFileSystemRepresentation.argtypes = [
        _vp,
        ctypes.c_char_p,
        ctypes.c_long,
        ctypes.c_bool,
    ]
    cf.CFBundleCreate.restype = _vp
    cf.CFBundleCreate.argtypes = [_vp, _vp]
    raw = os.fsencode(bundle)
    url = cf.CFURLCreateFromFileSystemRepresentation(None, raw, len(raw), True)
    result: int | None = cf.CFBundleCreate(None, url)
    return result


def _read_classes(factory: int, binary: Path, bundle: Path, architecture: str) -> FactoryResult:
    info = PFactoryInfo()
    factory_info: dict[str, str] = {}
    if (
        _method(factory, _SLOT_GET_FACTORY_INFO, _GET_FACTORY_INFO)(factory, ctypes.byref(info))
        == _K_RESULT_OK
    ):
        factory_info = {
            k: v
            for k, v in {
                "vendor": _text(info.vendor),
                "url": _text(info.url),
                "email": _text(info.email),
                "flags": str(info.flags),
            }.items()
            if v
        }
    count = int(_method(factory, _SLOT_COUNT_CLASSES, _COUNT_CLASSES)(factory))
    if count < 0:
        raise _FactoryError(f"countClasses() returned {count}")

    factory2 = _vp()
    iid2 = inline_uid(*IID_IPLUGINFACTORY2)
    query = _method(factory, _SLOT_QUERY_INTERFACE, _QUERY_INTERFACE)
    has2 = query(factory, iid2, ctypes.byref(factory2)) == _K_RESULT_OK and bool(factory2.value)
    records: list[PluginRecord] = []
    try:
        for index in range(count):
            record = _read_class(
                factory,
                factory2.value if has2 else None,
                index,
                factory_info,
                binary,
                bundle,
                architecture,
            )
            if record is not None:
                records.append(record)
    finally:
        if has2 and factory2.value:
            _method(factory2.value, _SLOT_RELEASE, _RELEASE)(factory2.value)
    return FactoryResult(records=tuple(records), factory=factory_info, class_count=count)


def _read_class(
    factory: int,
    factory2: int | None,
    index: int,
    factory_info: dict[str, str],
    binary: Path,
    bundle: Path,
    architecture: str,
) -> PluginRecord | None:
    subcats: tuple[str, ...] = ()
    vendor = version = sdk_version = ""
    info2 = PClassInfo2()
    if (
        factory2 is not None
        and _method(factory2, _SLOT_GET_CLASS_INFO2, _GET_CLASS_INFO2)(
            factory2, index, ctypes.byref(info2)
        )
        == _K_RESULT_OK
    ):
        cid, category, name = bytes(info2.cid), _text(info2.category), _text(info2.name)
        subcats = split_subcategories(_text(info2.subCategories))
        vendor, version = _text(info2.vendor), _text(info2.version)
        sdk_version = _text(info2.sdkVersion)
    else:
        info = PClassInfo()
        if (
            _method(factory, _SLOT_GET_CLASS_INFO, _GET_CLASS_INFO)(
                factory, index, ctypes.byref(info)
            )
            != _K_RESULT_OK
        ):
            return None
        cid, category, name = bytes(info.cid), _text(info.category), _text(info.name)
    if category != AUDIO_MODULE_CLASS:
        return None
    extra = {
        k: v
        for k, v in {
            "sdk_version": sdk_version,
            "factory_vendor": factory_info.get("vendor", ""),
            "factory_url": factory_info.get("url", ""),
            "email": factory_info.get("email", ""),
        }.items()
        if v
    }
    return PluginRecord(
        format=Format.VST3.value,
        uid=cid_to_hex(cid),
        name=name,
        vendor=vendor or factory_info.get("vendor", ""),
        version=version,
        role=role_from_subcategories(subcats),
        categories=subcats,
        file_path=str(binary),
        bundle_path=str(bundle),
        architecture=architecture,
        tier=1,
        extra=extra,
    )


def read_factory(binary: Path, bundle: Path, *, architecture: str = "") -> FactoryResult:
    """Load ``binary`` and list its audio module classes as tier-1 records.

    Never raises for a bad plugin (a crash, of course, cannot be caught: use a worker). A module
    that does not load gets the cause from :func:`~pluginary_vst3.diagnose.explain_load_error`.
    """
    mode = getattr(os, "RTLD_LOCAL", 0) | getattr(os, "RTLD_NOW", 0)
    try:
        lib = ctypes.CDLL(str(binary), mode=mode)
    except OSError as exc:
        return FactoryResult(cause=explain_load_error(str(exc), binary))
    get_factory = _symbol(lib, "GetPluginFactory")
    if get_factory is None:
        return FactoryResult(cause="not a VST3 module: it exports no GetPluginFactory")
    get_factory.restype = _vp
    get_factory.argtypes = []
    try:
        with _module_entry(lib, binary, bundle):
            factory = get_factory()
            if not factory:
                return FactoryResult(cause="GetPluginFactory() returned null")
            try:
                return _read_classes(int(factory), binary, bundle, architecture)
            finally:
                _method(factory, _SLOT_RELEASE, _RELEASE)(factory)
    except _FactoryError as exc:
        return FactoryResult(cause=str(exc))
