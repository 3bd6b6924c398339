"""PlMultiVst3: one hand-written VST3 module whose factory declares two audio module
classes and a controller class.  The factory is read in a subprocess through ctypes
(as a host does before ``createInstance``), without Pluginary's own reader."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from pluginary_testplugins import TestPluginSet
from pluginary_testplugins.build import _ARCH_DIR, PL_MULTI_VST3_CLASS_IDS

CLASS_A, CLASS_B = "504C4D756C7469566F73744100000001", "504C4D756C7469566F73744100000002"
CONTROLLER = "504C4D756C7469566F73744300000001"

# Loads the module, calls ModuleEntry, GetPluginFactory, queryInterface(IPluginFactory2),
# getFactoryInfo, countClasses, getClassInfo/getClassInfo2 and createInstance, and prints
# JSON.  IIDs in the non-Windows (big-endian words) layout.
_READER = textwrap.dedent(
    """
    import ctypes, json, os, sys

    def iid(*words):
        return b"".join(w.to_bytes(4, "big") for w in words)

    FUNKNOWN = iid(0x00000000, 0x00000000, 0xC0000000, 0x00000046)
    FACTORY = iid(0x7A4D811C, 0x52114A1F, 0xAED9D2EE, 0x0B43BF9F)
    FACTORY2 = iid(0x0007B650, 0xF24B4C0B, 0xA464EDB9, 0xF00B2ABB)
    FACTORY3 = iid(0x4555A2AB, 0xC1234E57, 0x9B122910, 0x36878931)

    class FactoryInfo(ctypes.Structure):
        _fields_ = [("vendor", ctypes.c_char * 64), ("url", ctypes.c_char * 256),
                    ("email", ctypes.c_char * 128), ("flags", ctypes.c_int32)]

    class ClassInfo(ctypes.Structure):
        _fields_ = [("cid", ctypes.c_ubyte * 16), ("cardinality", ctypes.c_int32),
                    ("category", ctypes.c_char * 32), ("name", ctypes.c_char * 64)]

    class ClassInfo2(ctypes.Structure):
        _fields_ = ClassInfo._fields_ + [
            ("flags", ctypes.c_uint32), ("subcategories", ctypes.c_char * 128),
            ("vendor", ctypes.c_char * 64), ("version", ctypes.c_char * 64),
            ("sdk_version", ctypes.c_char * 64)]

    vp = ctypes.c_void_p
    F = ctypes.CFUNCTYPE
    QUERY = F(ctypes.c_int32, vp, ctypes.c_char_p, ctypes.POINTER(vp))
    REF = F(ctypes.c_uint32, vp)
    INFO = F(ctypes.c_int32, vp, ctypes.POINTER(FactoryInfo))
    COUNT = F(ctypes.c_int32, vp)
    CLASS = F(ctypes.c_int32, vp, ctypes.c_int32, ctypes.POINTER(ClassInfo))
    CREATE = F(ctypes.c_int32, vp, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(vp))
    CLASS2 = F(ctypes.c_int32, vp, ctypes.c_int32, ctypes.POINTER(ClassInfo2))

    def method(obj, slot, proto):
        vtable = ctypes.cast(ctypes.cast(obj, ctypes.POINTER(vp))[0], ctypes.POINTER(vp))
        return proto(vtable[slot])

    lib = ctypes.CDLL(sys.argv[1], mode=os.RTLD_LOCAL | os.RTLD_NOW)
    out = {n: hasattr(lib, n) for n in ("GetPluginFactory", "ModuleEntry", "ModuleExit")}
    lib.ModuleEntry.restype = ctypes.c_bool
    lib.ModuleEntry.argtypes = [vp]
    out["entry"] = lib.ModuleEntry(lib._handle)
    lib.GetPluginFactory.restype = vp
    factory = lib.GetPluginFactory()
    query = method(factory, 0, QUERY)
    out["query"] = {}
    for label, guid in (("funknown", FUNKNOWN), ("factory", FACTORY),
                        ("factory2", FACTORY2), ("factory3", FACTORY3)):
        obj = vp()
        result = query(factory, guid, ctypes.byref(obj))
        out["query"][label] = [result, obj.value == factory]
        if obj.value:
            method(obj.value, 2, REF)(obj.value)
    info = FactoryInfo()
    method(factory, 3, INFO)(factory, ctypes.byref(info))
    out["vendor"] = info.vendor.decode()
    out["count"] = method(factory, 4, COUNT)(factory)
    out["classes"], out["classes2"] = [], []
    for i in range(out["count"]):
        c = ClassInfo()
        assert method(factory, 5, CLASS)(factory, i, ctypes.byref(c)) == 0
        out["classes"].append([bytes(c.cid).hex().upper(), c.category.decode(), c.name.decode()])
        c2 = ClassInfo2()
        assert method(factory, 7, CLASS2)(factory, i, ctypes.byref(c2)) == 0
        out["classes2"].append([bytes(c2.cid).hex().upper(), c2.category.decode(),
                                c2.name.decode(), c2.subcategories.decode(),
                                c2.vendor.decode(), c2.version.decode()])
    out["out_of_range"] = method(factory, 5, CLASS)(factory, 3, ctypes.byref(ClassInfo()))
    instance = vp(1)
    out["create"] = method(factory, 6, CREATE)(
        factory, bytes(c.cid), FUNKNOWN, ctypes.byref(instance))
    out["instance_null"] = instance.value is None
    method(factory, 2, REF)(factory)
    lib.ModuleExit.restype = ctypes.c_bool
    out["exit"] = lib.ModuleExit()
    print(json.dumps(out))
    """
)


def test_multi_vst3_bundle_layout(test_plugins: TestPluginSet) -> None:
    plugin = test_plugins["PlMultiVst3"]
    bundle = test_plugins.root / "special" / "vst3" / "PlMultiVst3.vst3"
    assert (plugin.category, plugin.behaviour) == ("special", "multi-class")
    assert list(plugin.formats) == ["vst3"]
    assert plugin.path("vst3") == bundle
    assert plugin.binary("vst3") == bundle / "Contents" / _ARCH_DIR / "PlMultiVst3.so"
    assert [p.name for p in bundle.iterdir()] == ["Contents"]
    assert [p.name for p in (bundle / "Contents").iterdir()] == [_ARCH_DIR]
    assert [p.name for p in (bundle / "Contents" / _ARCH_DIR).iterdir()] == ["PlMultiVst3.so"]
    assert plugin.vst3_class_ids == PL_MULTI_VST3_CLASS_IDS == (CLASS_A, CLASS_B)
    assert plugin.vst3_class_id is None and plugin.uri is None
    assert plugin.maker == "Pluginary Test"
    entry = next(
        p
        for p in json.loads((test_plugins.root / "manifest.json").read_text())["plugins"]
        if p["name"] == "PlMultiVst3"
    )
    assert entry["vst3_class_ids"] == [CLASS_A, CLASS_B]
    assert entry["formats"]["vst3"]["binary"] == (
        f"special/vst3/PlMultiVst3.vst3/Contents/{_ARCH_DIR}/PlMultiVst3.so"
    )


def test_multi_vst3_factory_via_ctypes(test_plugins: TestPluginSet) -> None:
    binary = test_plugins["PlMultiVst3"].binary("vst3")
    proc = subprocess.run(
        [sys.executable, "-c", _READER, str(binary)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["GetPluginFactory"] and out["ModuleEntry"] and out["ModuleExit"]
    assert out["entry"] is True and out["exit"] is True
    # FUnknown, IPluginFactory and IPluginFactory2 answer with the factory; not IPluginFactory3
    assert out["query"] == {
        "funknown": [0, True],
        "factory": [0, True],
        "factory2": [0, True],
        "factory3": [-1, False],
    }
    assert out["vendor"] == "Pluginary Test"
    assert out["count"] == 3
    assert out["classes"] == [
        [CLASS_A, "Audio Module Class", "PlMulti A"],
        [CLASS_B, "Audio Module Class", "PlMulti B"],
        [CONTROLLER, "Component Controller Class", "PlMulti Controller"],
    ]
    assert out["classes2"] == [
        [CLASS_A, "Audio Module Class", "PlMulti A", "Fx|Delay", "Pluginary Test", "1.0.0"],
        [CLASS_B, "Audio Module Class", "PlMulti B", "Instrument|Synth", "Pluginary Test", "1.0.0"],
        [
            CONTROLLER,
            "Component Controller Class",
            "PlMulti Controller",
            "",
            "Pluginary Test",
            "1.0.0",
        ],
    ]
    assert out["out_of_range"] == 2  # kInvalidArgument
    assert out["create"] == 3 and out["instance_null"]  # kNotImplemented on Linux
