"""PlNormalized: one hand-written single-component VST3 plugin (IComponent + IEditController on
one object) whose parameters' plain values are their normalised values, as in JUCE plugins.
It is instantiated in a subprocess through ctypes (as a host does), without Pluginary's own
reader, and checked against the values other tests depend on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from pluginary_testplugins import TestPluginSet
from pluginary_testplugins.build import _ARCH_DIR, PL_NORMALIZED_VST3_CLASS_ID

CLASS_ID = "504C4E6F726D616C697A656400000001"  # "PLNormalized" 00 00 00 01

# Loads the module, calls ModuleEntry and GetPluginFactory, reads the class infos, then
# createInstance(class, IComponent), initialize(NULL), queryInterface(IEditController) and
# the parameter / bus calls; terminate, release, ModuleExit; prints JSON.  IIDs in the
# non-Windows (big-endian words) layout of DPF's travesty headers.
_READER = textwrap.dedent(
    """
    import ctypes, json, os, sys

    def iid(*words):
        return b"".join(w.to_bytes(4, "big") for w in words)

    FUNKNOWN = iid(0x00000000, 0x00000000, 0xC0000000, 0x00000046)
    PLUGIN_BASE = iid(0x22888DDB, 0x156E45AE, 0x8358B348, 0x08190625)
    FACTORY2 = iid(0x0007B650, 0xF24B4C0B, 0xA464EDB9, 0xF00B2ABB)
    COMPONENT = iid(0xE831FF31, 0xF2D54301, 0x928EBBEE, 0x25697802)
    CONTROLLER = iid(0xDCD7BBE3, 0x7742448D, 0xA874AACC, 0x979C759E)
    PROCESSOR = iid(0x42043F99, 0xB7DA453C, 0xA569E79D, 0x9AAEC33D)

    Str128 = ctypes.c_uint16 * 128  # char16

    def text(s):
        chars = list(s)
        return "".join(map(chr, chars[: chars.index(0)] if 0 in chars else chars))

    class ClassInfo2(ctypes.Structure):
        _fields_ = [("cid", ctypes.c_ubyte * 16), ("cardinality", ctypes.c_int32),
                    ("category", ctypes.c_char * 32), ("name", ctypes.c_char * 64),
                    ("flags", ctypes.c_uint32), ("subcategories", ctypes.c_char * 128),
                    ("vendor", ctypes.c_char * 64), ("version", ctypes.c_char * 64),
                    ("sdk_version", ctypes.c_char * 64)]

    class FactoryInfo(ctypes.Structure):
        _fields_ = [("vendor", ctypes.c_char * 64), ("url", ctypes.c_char * 256),
                    ("email", ctypes.c_char * 128), ("flags", ctypes.c_int32)]

    class BusInfo(ctypes.Structure):
        _fields_ = [("media_type", ctypes.c_int32), ("direction", ctypes.c_int32),
                    ("channel_count", ctypes.c_int32), ("bus_name", Str128),
                    ("bus_type", ctypes.c_int32), ("flags", ctypes.c_uint32)]

    class ParamInfo(ctypes.Structure):
        _fields_ = [("param_id", ctypes.c_uint32), ("title", Str128),
                    ("short_title", Str128), ("units", Str128),
                    ("step_count", ctypes.c_int32), ("default_normalised_value", ctypes.c_double),
                    ("unit_id", ctypes.c_int32), ("flags", ctypes.c_int32)]

    assert ctypes.sizeof(BusInfo) == 276 and ctypes.sizeof(ParamInfo) == 792

    vp, i32, u32, dbl = ctypes.c_void_p, ctypes.c_int32, ctypes.c_uint32, ctypes.c_double
    F = ctypes.CFUNCTYPE
    QUERY = F(i32, vp, ctypes.c_char_p, ctypes.POINTER(vp))
    REF = F(u32, vp)
    INIT = F(i32, vp, vp)
    TERM = F(i32, vp)
    FINFO = F(i32, vp, ctypes.POINTER(FactoryInfo))
    COUNT = F(i32, vp)
    CREATE = F(i32, vp, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(vp))
    CLASS2 = F(i32, vp, i32, ctypes.POINTER(ClassInfo2))
    CTRL_CID = F(i32, vp, ctypes.POINTER(ctypes.c_ubyte * 16))
    BUS_COUNT = F(i32, vp, i32, i32)
    BUS_INFO = F(i32, vp, i32, i32, i32, ctypes.POINTER(BusInfo))
    PCOUNT = F(i32, vp)
    PINFO = F(i32, vp, i32, ctypes.POINTER(ParamInfo))
    PSTRING = F(i32, vp, u32, dbl, ctypes.POINTER(Str128))
    CONVERT = F(dbl, vp, u32, dbl)
    GET_NORM = F(dbl, vp, u32)
    SET_NORM = F(i32, vp, u32, dbl)
    HANDLER = F(i32, vp, vp)
    VIEW = F(vp, vp, ctypes.c_char_p)

    def method(obj, slot, proto):
        vtable = ctypes.cast(ctypes.cast(obj, ctypes.POINTER(vp))[0], ctypes.POINTER(vp))
        return proto(vtable[slot])

    def call(obj, slot, proto, *args):
        return method(obj, slot, proto)(obj, *args)

    def query(obj, guid):
        out = vp()
        result = call(obj, 0, QUERY, guid, ctypes.byref(out))
        return result, out.value

    lib = ctypes.CDLL(sys.argv[1], mode=os.RTLD_LOCAL | os.RTLD_NOW)
    out = {}
    lib.ModuleEntry.restype = ctypes.c_bool
    lib.ModuleEntry.argtypes = [vp]
    out["entry"] = lib.ModuleEntry(lib._handle)
    lib.GetPluginFactory.restype = vp
    factory = lib.GetPluginFactory()
    result, f2 = query(factory, FACTORY2)
    out["factory2"] = [result, f2 == factory]
    call(factory, 2, REF)
    finfo = FactoryInfo()
    call(factory, 3, FINFO, ctypes.byref(finfo))
    out["factory_vendor"] = finfo.vendor.decode()
    out["count"] = call(factory, 4, COUNT)
    out["classes"] = []
    for i in range(out["count"]):
        c = ClassInfo2()
        assert call(factory, 7, CLASS2, i, ctypes.byref(c)) == 0
        out["classes"].append([bytes(c.cid).hex().upper(), c.category.decode(), c.name.decode(),
                               c.flags, c.subcategories.decode(), c.vendor.decode(),
                               c.version.decode(), c.sdk_version.decode()])
    cid = bytes.fromhex(sys.argv[2])

    # refused: an unknown class id, or an interface other than IComponent
    refused = []
    for bad_cid, bad_iid in ((bytes(16), COMPONENT), (cid, CONTROLLER), (cid, FUNKNOWN)):
        obj = vp(1)
        refused.append([call(factory, 6, CREATE, bad_cid, bad_iid, ctypes.byref(obj)),
                        obj.value is None])
    out["refused"] = refused

    comp = vp()
    out["create"] = call(factory, 6, CREATE, cid, COMPONENT, ctypes.byref(comp))
    comp = comp.value
    out["initialize"] = call(comp, 3, INIT, None)
    out["component_faces"] = {}
    for label, guid in (("funknown", FUNKNOWN), ("plugin_base", PLUGIN_BASE),
                        ("component", COMPONENT), ("processor", PROCESSOR)):
        result, obj = query(comp, guid)
        out["component_faces"][label] = [result, obj == comp]
        if obj:
            call(obj, 2, REF)
    result, ctrl = query(comp, CONTROLLER)
    out["controller_query"] = [result, ctrl is not None and ctrl != comp]
    result, back = query(ctrl, COMPONENT)
    out["controller_to_component"] = [result, back == comp]
    call(back, 2, REF)
    result, again = query(ctrl, CONTROLLER)
    out["controller_to_controller"] = [result, again == ctrl]
    call(again, 2, REF)

    tuid = (ctypes.c_ubyte * 16)(*range(1, 17))
    out["controller_class_id"] = [call(comp, 5, CTRL_CID, ctypes.byref(tuid)), bytes(tuid).hex()]
    out["bus_counts"] = [call(comp, 7, BUS_COUNT, m, d) for m in (0, 1) for d in (0, 1)]
    out["buses"] = []
    for d in (0, 1):
        b = BusInfo()
        assert call(comp, 8, BUS_INFO, 0, d, 0, ctypes.byref(b)) == 0
        out["buses"].append([b.media_type, b.direction, b.channel_count, text(b.bus_name),
                             b.bus_type, b.flags])

    out["param_count"] = call(ctrl, 8, PCOUNT)
    out["params"] = []
    for i in range(out["param_count"]):
        p = ParamInfo()
        assert call(ctrl, 9, PINFO, i, ctypes.byref(p)) == 0
        out["params"].append([p.param_id, text(p.title), text(p.short_title), text(p.units),
                              p.step_count, p.default_normalised_value, p.unit_id, p.flags])
    out["param_out_of_range"] = call(ctrl, 9, PINFO, 3, ctypes.byref(ParamInfo()))
    out["to_plain"] = {f"{pid}:{v}": call(ctrl, 12, CONVERT, pid, v)
                       for pid, v in ((10, 0.3), (20, 0.5), (30, 1.0), (30, 0.0), (30, 0.5))}
    out["to_normalised"] = {f"{pid}:{v}": call(ctrl, 13, CONVERT, pid, v)
                            for pid, v in ((10, 0.3), (30, 24.0), (30, 0.0))}
    out["strings"] = {}
    for pid, v in ((10, 0.0), (10, 1.0), (10, 0.25), (20, 0.0), (20, 0.5), (20, 1.0),
                   (30, 0.5), (30, 0.0), (30, 1.0)):
        s = Str128()
        assert call(ctrl, 10, PSTRING, pid, v, ctypes.byref(s)) == 0
        out["strings"][f"{pid}:{v}"] = text(s)
    out["string_unknown_id"] = call(ctrl, 10, PSTRING, 99, 0.5, ctypes.byref(Str128()))
    out["defaults"] = [call(ctrl, 14, GET_NORM, pid) for pid in (10, 20, 30)]
    out["set"] = call(ctrl, 15, SET_NORM, 30, 0.75)
    out["after_set"] = call(ctrl, 14, GET_NORM, 30)
    out["handler"] = call(ctrl, 16, HANDLER, None)
    out["view"] = call(ctrl, 17, VIEW, b"editor")

    out["terminate"] = call(comp, 4, TERM)
    out["release_controller"] = call(ctrl, 2, REF)
    out["release_component"] = call(comp, 2, REF)
    call(factory, 2, REF)
    lib.ModuleExit.restype = ctypes.c_bool
    out["exit"] = lib.ModuleExit()
    print(json.dumps(out))
    """
)


def test_normalized_bundle_layout(test_plugins: TestPluginSet) -> None:
    plugin = test_plugins["PlNormalized"]
    bundle = test_plugins.root / "special" / "vst3" / "PlNormalized.vst3"
    assert (plugin.category, plugin.behaviour) == ("special", "normalized-parameters")
    assert list(plugin.formats) == ["vst3"]
    assert plugin.path("vst3") == bundle
    assert plugin.binary("vst3") == bundle / "Contents" / _ARCH_DIR / "PlNormalized.so"
    assert [p.name for p in bundle.iterdir()] == ["Contents"]
    assert [p.name for p in (bundle / "Contents").iterdir()] == [_ARCH_DIR]
    assert [p.name for p in (bundle / "Contents" / _ARCH_DIR).iterdir()] == ["PlNormalized.so"]
    assert PL_NORMALIZED_VST3_CLASS_ID == CLASS_ID
    assert plugin.vst3_class_ids == (CLASS_ID,) and plugin.vst3_class_id == CLASS_ID
    assert (plugin.num_parameters, plugin.audio_inputs, plugin.audio_outputs) == (3, 2, 2)
    assert plugin.maker == "Pluginary Test" and plugin.uri is None
    entry = next(
        p
        for p in json.loads((test_plugins.root / "manifest.json").read_text())["plugins"]
        if p["name"] == "PlNormalized"
    )
    assert entry["vst3_class_id"] == CLASS_ID and entry["vst3_class_ids"] == [CLASS_ID]
    assert entry["formats"]["vst3"]["binary"] == (
        f"special/vst3/PlNormalized.vst3/Contents/{_ARCH_DIR}/PlNormalized.so"
    )


def test_normalized_exports(test_plugins: TestPluginSet) -> None:
    nm = shutil.which("nm")
    if nm is None:
        pytest.fail("nm not found: apt-get install -y binutils")
    proc = subprocess.run(
        [nm, "-D", "--defined-only", str(test_plugins["PlNormalized"].binary("vst3"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    symbols = {line.split()[-1] for line in proc.stdout.splitlines() if line.strip()}
    assert symbols == {"GetPluginFactory", "ModuleEntry", "ModuleExit"}  # -fvisibility=hidden


def test_normalized_instance_via_ctypes(test_plugins: TestPluginSet) -> None:
    binary = test_plugins["PlNormalized"].binary("vst3")
    proc = subprocess.run(
        [sys.executable, "-c", _READER, str(binary), CLASS_ID],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["entry"] is True and out["exit"] is True
    assert out["factory2"] == [0, True]
    assert out["factory_vendor"] == "Pluginary Test"
    assert out["count"] == 1
    assert out["classes"] == [
        [
            CLASS_ID,
            "Audio Module Class",
            "PlNormalized",
            0,
            "Fx|EQ",
            "Pluginary Test",
            "1.0.0",
            "VST 3.7.0",
        ],
    ]
    # an unknown cid, or an iid other than IComponent: kNoInterface (-1) and a null object
    assert out["refused"] == [[-1, True], [-1, True], [-1, True]]
    assert out["create"] == 0 and out["initialize"] == 0
    # FUnknown, IPluginBase, IComponent answer with the component face; no IAudioProcessor
    assert out["component_faces"] == {
        "funknown": [0, True],
        "plugin_base": [0, True],
        "component": [0, True],
        "processor": [-1, False],
    }
    assert out["controller_query"] == [0, True]  # the other face of the same object
    assert out["controller_to_component"] == [0, True]
    assert out["controller_to_controller"] == [0, True]
    assert out["controller_class_id"] == [3, "00" * 16]  # single component: kNotImplemented
    # audio in, audio out, event in, event out
    assert out["bus_counts"] == [1, 1, 0, 0]
    assert out["buses"] == [[0, 0, 2, "Input", 0, 1], [0, 1, 2, "Output", 0, 1]]

    assert out["param_count"] == 3
    assert out["params"] == [
        [10, "Crossover", "Xover", "", 0, 0.25, 0, 1],
        [20, "Mode", "Mode", "", 2, 0.0, 0, 1],
        [30, "Gain", "Gain", "dB", 0, 0.5, 0, 1],
    ]
    assert out["param_out_of_range"] == 2  # kInvalidArgument
    # The point of this plugin: plain == normalised for ids 10 and 20.
    assert out["to_plain"] == {
        "10:0.3": 0.3,
        "20:0.5": 0.5,
        "30:1.0": 24.0,
        "30:0.0": -24.0,
        "30:0.5": 0.0,
    }
    assert out["to_normalised"] == {"10:0.3": 0.3, "30:24.0": 1.0, "30:0.0": 0.5}
    assert out["strings"] == {
        "10:0.0": "87.8 Hz",
        "10:1.0": "1020.3 Hz",
        "10:0.25": "320.9 Hz",
        "20:0.0": "Low",
        "20:0.5": "Mid",
        "20:1.0": "High",
        "30:0.5": "0.0 dB",
        "30:0.0": "-24.0 dB",
        "30:1.0": "24.0 dB",
    }
    assert out["string_unknown_id"] == 2
    assert out["defaults"] == [0.25, 0.0, 0.5]
    assert (out["set"], out["after_set"]) == (0, 0.75)
    assert out["handler"] == 0 and out["view"] is None
    assert out["terminate"] == 0
    # create (1) + initialize's queries: the controller reference, then the last one
    assert (out["release_controller"], out["release_component"]) == (1, 0)
