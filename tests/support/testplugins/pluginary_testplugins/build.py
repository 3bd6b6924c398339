"""Build the Pluginary test plugins from Debian's ``dpf-source`` with g++.

``build_all()`` compiles every plugin in ``src/`` for every requested format,
caches the result under a key derived from the sources, the compiler version
and the dpf-source version, and returns a :class:`TestPluginSet`.

Output layout (``root`` is the cache entry or the ``out_dir`` passed in)::

    root/manifest.json
    root/good/vst3/PlGain.vst3/Contents/x86_64-linux/PlGain.so
    root/good/clap/PlGain.clap
    root/good/lv2/PlGain.lv2/{PlGain.so,PlGain.ttl,manifest.ttl}
    root/good/ladspa/PlGain.so
    root/torture/<format>/...          same layout, misbehaving plugins
    root/validation/<format>/...       same layout, one plugin per validation check
                                       (validation_specs.py)
    root/special/vst3/PlWrongSoName.vst3/Contents/x86_64-linux/Other.so
    root/special/vst3/NotAPlugin.vst3              (a text file)
    root/special/vst3/NotAPluginBundle.vst3/Contents/x86_64-linux/NotAPluginBundle.so
    root/special/vst3/PlMultiVst3.vst3/Contents/x86_64-linux/PlMultiVst3.so
                                                   (two audio module classes in one module)
    root/special/vst3/PlNormalized.vst3/Contents/x86_64-linux/PlNormalized.so
                                                   (plain parameter values = normalised values)
    root/special/clap/NotAPlugin.clap              (a plain shared library)
    root/special/clap/PlMulti.clap                 (two plugins in one file)
    root/special/clap/PlParams.clap                (PlParams with params/ports, PlInitFails)
    root/engine/ladspa/PlProtocolWrite.so          (at dlopen: a bad frame into writable pipes)
    root/engine/ladspa/PlCloseFds.so               (at dlopen: closes fds 3..1023, sleeps forever)
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import platform
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pluginary_testplugins.validation_specs import VALIDATION_CATEGORY, VALIDATION_SPECS

__all__ = [
    "ALL_FORMATS",
    "PLUGIN_SPECS",
    "BuiltFormat",
    "BuiltPlugin",
    "PluginSpec",
    "TestPluginBuildError",
    "TestPluginSet",
    "build_all",
    "cache_key",
]

ALL_FORMATS: tuple[str, ...] = ("vst3", "clap", "lv2", "ladspa")
MANIFEST_SCHEMA = 1
INSTALL_HINT = "apt-get install dpf-source g++"
SRC_DIR = Path(__file__).resolve().parent / "src"
# Bumped whenever the recipe changes in a way the hashed inputs do not show.
RECIPE_VERSION = "4"

_ARCH_DIR = {"x86_64": "x86_64-linux", "aarch64": "aarch64-linux", "i686": "i386-linux"}.get(
    platform.machine(), f"{platform.machine()}-linux"
)


class TestPluginBuildError(RuntimeError):
    """The test plugins could not be built (missing toolchain, compile error...)."""

    __test__ = False  # not a pytest test class


@dataclass(frozen=True)
class PluginSpec:
    """What a plugin is expected to be; mirrors its ``DistrhoPluginInfo.h``."""

    name: str
    category: str  # "good" | "torture" | "validation" | "special"
    behaviour: str  # "ok", "segv", "abort", "spin", "sleep20", "exit0", ...
    unique_id: str  # four characters, DPF getUniqueId() = d_cconst(...)
    formats: tuple[str, ...]
    num_parameters: int
    audio_inputs: int = 2
    audio_outputs: int = 2
    is_instrument: bool = False
    midi_input: bool = False
    description: str = ""

    @property
    def uri(self) -> str:
        return f"urn:pluginary-test:{self.name}"

    @property
    def clap_id(self) -> str:
        return f"org.pluginary.test.{self.name}"

    @property
    def unique_id_int(self) -> int:
        a, b, c, d = (ord(ch) for ch in self.unique_id)
        return (a << 24) | (b << 16) | (c << 8) | d

    @property
    def vst3_class_id(self) -> str:
        """DPF's VST3 component class id: uint32 {'DPF ', 'clas', uid, 0} in memory order."""
        dpf, clas = (int.from_bytes(s.encode(), "big") for s in ("DPF ", "clas"))
        return struct.pack("<4I", dpf, clas, self.unique_id_int, 0).hex().upper()


_FX = ("vst3", "clap", "lv2", "ladspa")
_T = "torture"
PLUGIN_SPECS: tuple[PluginSpec, ...] = (
    PluginSpec("PlGain", "good", "ok", "PGan", _FX, 2, description="Stereo gain, 2 parameters"),
    PluginSpec("PlDelay", "good", "ok", "PDly", _FX, 4, description="Stereo delay, 4 parameters"),
    PluginSpec(
        "PlFilter", "good", "ok", "PFlt", _FX, 3, description="One-pole stereo filter, 3 parameters"
    ),
    PluginSpec(
        "PlSynth",
        "good",
        "ok",
        "PSyn",
        ("vst3", "clap", "lv2"),
        4,
        audio_inputs=0,
        is_instrument=True,
        midi_input=True,
        description="Tiny MIDI synth, 4 parameters",
    ),
    PluginSpec(
        "PlManyParams",
        "good",
        "ok",
        "PMny",
        _FX,
        5000,
        description="Pass-through effect with 5000 parameters",
    ),
    PluginSpec(
        "PlCrashSegv", _T, "segv", "PSgv", _FX, 1, description="Torture: SIGSEGV in the constructor"
    ),
    PluginSpec(
        "PlCrashAbort",
        _T,
        "abort",
        "PAbt",
        _FX,
        1,
        description="Torture: abort() in the constructor",
    ),
    PluginSpec(
        "PlSpin",
        _T,
        "spin",
        "PSpn",
        _FX,
        1,
        description="Torture: busy loop forever in the constructor",
    ),
    PluginSpec(
        "PlSleep20",
        _T,
        "sleep20",
        "PSlp",
        _FX,
        1,
        description="Torture: sleeps 20 s in the constructor, then works",
    ),
    PluginSpec(
        "PlExit0", _T, "exit0", "PEx0", _FX, 1, description="Torture: exit(0) in the constructor"
    ),
    PluginSpec(
        "PlStderrFlood",
        _T,
        "stderr-flood",
        "PFld",
        _FX,
        1,
        description="Torture: writes 50 MB to stderr in the constructor, then works",
    ),
    PluginSpec(
        "PlStaticInitCrash",
        _T,
        "static-init-crash",
        "PSic",
        _FX,
        1,
        description="Torture: SIGSEGV in a static initialiser at dlopen",
    ),
    PluginSpec(
        "PlWrongSoName",
        "special",
        "wrong-so-name",
        "PWsn",
        ("vst3",),
        2,
        description="Gain whose VST3 bundle holds a differently named .so",
    ),
    *(
        PluginSpec(
            v.name,
            VALIDATION_CATEGORY,
            v.behaviour,
            v.unique_id,
            v.formats,
            v.num_parameters,
            description=v.description,
        )
        for v in VALIDATION_SPECS
    ),
)

# The "Audio Module Class" ids of src/special/PlMultiVst3.c ("PlMulti A", "PlMulti B"),
# as FUID::toString prints them on Linux (the 16 bytes in memory order). Its controller
# class, 504C4D756C7469566F73744300000001, is not an audio module class.
PL_MULTI_VST3_CLASS_IDS = (
    "504C4D756C7469566F73744100000001",
    "504C4D756C7469566F73744100000002",
)

# The one "Audio Module Class" id of src/special/PlNormalizedVst3.c ("PLNormalized" 00000001),
# in the same memory-order hex.
PL_NORMALIZED_VST3_CLASS_ID = "504C4E6F726D616C697A656400000001"

# Things in special/ that are not DPF plugins.
_EXTRA_SPECIAL = ("NotAPlugin", "PlMulti", "PlMultiVst3", "PlNormalized", "PlParams")

# The plugins of src/special/PlParamsClap.c, in factory order: the first offers clap.params,
# clap.audio-ports and clap.note-ports, the second's init() returns false.
PL_PARAMS_CLAP_IDS = ("org.pluginary.test.PlParams", "org.pluginary.test.PlInitFails")


@dataclass(frozen=True)
class BuiltFormat:
    """One built format of one plugin.

    ``path`` is what a scanner is pointed at (bundle directory or single file);
    ``binary`` is the shared object inside it (equal to ``path`` for CLAP/LADSPA).
    """

    format: str
    path: Path
    binary: Path | None


@dataclass(frozen=True)
class BuiltPlugin:
    name: str
    category: str
    behaviour: str
    maker: str
    uri: str | None
    clap_ids: tuple[str, ...]
    unique_id: int | None
    vst3_class_id: str | None
    num_parameters: int | None
    audio_inputs: int | None
    audio_outputs: int | None
    is_instrument: bool
    midi_input: bool
    description: str
    formats: dict[str, BuiltFormat] = field(default_factory=dict)
    #: Every "Audio Module Class" id the VST3 factory declares (memory-order hex).
    vst3_class_ids: tuple[str, ...] = ()

    def path(self, fmt: str) -> Path:
        return self.formats[fmt].path

    def binary(self, fmt: str) -> Path:
        built = self.formats[fmt]
        if built.binary is None:
            raise KeyError(f"{self.name} has no binary for {fmt}")
        return built.binary


@dataclass(frozen=True)
class TestPluginSet:
    """Result of :func:`build_all`."""

    __test__ = False

    root: Path
    cache_key: str
    compiler: str
    dpf_version: str
    formats: tuple[str, ...]
    plugins: tuple[BuiltPlugin, ...]
    build_seconds: float
    from_cache: bool

    def __getitem__(self, name: str) -> BuiltPlugin:
        for plugin in self.plugins:
            if plugin.name == name:
                return plugin
        raise KeyError(name)

    def names(self, category: str | None = None, fmt: str | None = None) -> list[str]:
        return [
            p.name
            for p in self.plugins
            if (category is None or p.category == category) and (fmt is None or fmt in p.formats)
        ]

    def dir(self, category: str, fmt: str) -> Path:
        """Folder holding every ``category`` plugin of format ``fmt`` (e.g. an LV2_PATH)."""
        return self.root / category / fmt

    def to_manifest(self, absolute: bool = True) -> dict[str, object]:
        def rel(p: Path | None) -> str | None:
            if p is None:
                return None
            return str(p if absolute else p.relative_to(self.root))

        return {
            "schema": MANIFEST_SCHEMA,
            "root": str(self.root) if absolute else ".",
            "cache_key": self.cache_key,
            "compiler": self.compiler,
            "dpf_version": self.dpf_version,
            "formats": list(self.formats),
            "build_seconds": round(self.build_seconds, 3),
            "from_cache": self.from_cache,
            "plugins": [
                {
                    "name": p.name,
                    "category": p.category,
                    "behaviour": p.behaviour,
                    "maker": p.maker,
                    "uri": p.uri,
                    "clap_ids": list(p.clap_ids),
                    "unique_id": p.unique_id,
                    "vst3_class_id": p.vst3_class_id,
                    "vst3_class_ids": list(p.vst3_class_ids),
                    "num_parameters": p.num_parameters,
                    "audio_inputs": p.audio_inputs,
                    "audio_outputs": p.audio_outputs,
                    "is_instrument": p.is_instrument,
                    "midi_input": p.midi_input,
                    "description": p.description,
                    "formats": {
                        f: {"path": rel(b.path), "binary": rel(b.binary)}
                        for f, b in p.formats.items()
                    },
                }
                for p in self.plugins
            ],
        }

    @classmethod
    def from_manifest(cls, root: Path, data: dict[str, object], from_cache: bool) -> TestPluginSet:
        def path(p: object) -> Path | None:
            return None if p is None else root / str(p)

        plugins = []
        for raw in data["plugins"]:  # type: ignore[attr-defined]
            formats = {}
            for f, b in raw["formats"].items():
                formats[f] = BuiltFormat(f, root / b["path"], path(b["binary"]))
            plugins.append(
                BuiltPlugin(
                    name=raw["name"],
                    category=raw["category"],
                    behaviour=raw["behaviour"],
                    maker=raw["maker"],
                    uri=raw["uri"],
                    clap_ids=tuple(raw["clap_ids"]),
                    unique_id=raw["unique_id"],
                    vst3_class_id=raw["vst3_class_id"],
                    vst3_class_ids=tuple(raw.get("vst3_class_ids", ())),
                    num_parameters=raw["num_parameters"],
                    audio_inputs=raw["audio_inputs"],
                    audio_outputs=raw["audio_outputs"],
                    is_instrument=raw["is_instrument"],
                    midi_input=raw["midi_input"],
                    description=raw["description"],
                    formats=formats,
                )
            )
        return cls(
            root=root,
            cache_key=str(data["cache_key"]),
            compiler=str(data["compiler"]),
            dpf_version=str(data["dpf_version"]),
            formats=tuple(data["formats"]),  # type: ignore[arg-type]
            plugins=tuple(plugins),
            build_seconds=float(data["build_seconds"]),  # type: ignore[arg-type]
            from_cache=from_cache,
        )


# --------------------------------------------------------------------------- toolchain


@dataclass(frozen=True)
class _Toolchain:
    cxx: str
    dpf: Path
    compiler_version: str
    dpf_version: str


def _toolchain() -> _Toolchain:
    cxx = shutil.which(os.environ.get("CXX", "g++"))
    dpf = Path(os.environ.get("PLUGINARY_DPF_PATH", "/usr/share/dpf"))
    missing = []
    if cxx is None:
        missing.append(f"C++ compiler {os.environ.get('CXX', 'g++')!r} not found on PATH")
    if not (dpf / "distrho" / "DistrhoPluginMain.cpp").is_file():
        missing.append(f"DPF sources not found at {dpf} (DistrhoPluginMain.cpp)")
    if not (dpf / "utils" / "lv2-ttl-generator" / "lv2_ttl_generator.c").is_file():
        missing.append(f"DPF lv2_ttl_generator source not found under {dpf}/utils")
    if missing or cxx is None:
        raise TestPluginBuildError(
            "cannot build the Pluginary test plugins: "
            + "; ".join(missing)
            + f". Install the toolchain with: {INSTALL_HINT}"
        )
    version = subprocess.run(
        [cxx, "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    dpf_version = ""
    if shutil.which("dpkg-query"):
        q = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "dpf-source"],
            capture_output=True,
            text=True,
            check=False,
        )
        dpf_version = q.stdout.strip() if q.returncode == 0 else ""
    if not dpf_version:  # not installed from the Debian package: hash the sources
        h = hashlib.sha256()
        for p in sorted((dpf / "distrho").rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(dpf)).encode())
                h.update(p.read_bytes())
        dpf_version = "sha256:" + h.hexdigest()[:16]
    return _Toolchain(cxx, dpf, version[0] if version else "unknown", dpf_version)


def cache_key(tc: _Toolchain | None = None) -> str:
    """Hash of the plugin sources, this build recipe, compiler and dpf-source versions."""
    tc = tc or _toolchain()
    h = hashlib.sha256()
    h.update(f"recipe={RECIPE_VERSION}\n".encode())
    h.update(Path(__file__).read_bytes())
    h.update(Path(__file__).with_name("validation_specs.py").read_bytes())
    for p in sorted(SRC_DIR.rglob("*")):
        if p.is_file() and p.suffix in {".c", ".cpp", ".h", ".hpp"}:
            h.update(str(p.relative_to(SRC_DIR)).encode())
            h.update(p.read_bytes())
    h.update(f"cxx={tc.compiler_version}\ndpf={tc.dpf_version}\narch={_ARCH_DIR}\n".encode())
    return h.hexdigest()[:20]


def _cache_base() -> Path:
    env = os.environ.get("PLUGINARY_TESTPLUGINS_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "pluginary-testplugins"


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- jobs

_TARGET_DEFINE = {"vst3": "VST3", "clap": "CLAP", "lv2": "LV2", "ladspa": "LADSPA"}
_CXXFLAGS = [
    "-std=gnu++17",
    "-O2",
    "-fPIC",
    "-shared",
    "-fvisibility=hidden",
    "-fvisibility-inlines-hidden",
    "-DNDEBUG",
    "-Wall",
    "-Wno-unused-parameter",
]
_LDFLAGS = ["-Wl,--no-undefined", "-ldl", "-lpthread"]


@dataclass(frozen=True)
class _Job:
    label: str
    argv: tuple[str, ...]
    output: Path
    cwd: Path | None = None
    # commands run after argv (e.g. DPF's lv2_ttl_generator in the bundle)
    after: tuple[tuple[str, ...], ...] = ()
    # lower runs earlier; VST3 and LV2 are the biggest translation units
    priority: int = 9


def _run(job: _Job) -> None:
    job.output.parent.mkdir(parents=True, exist_ok=True)
    for argv in (job.argv, *job.after):
        proc = subprocess.run(
            list(argv), cwd=job.cwd, capture_output=True, text=True, check=False, timeout=600
        )
        if proc.returncode != 0:
            raise TestPluginBuildError(
                f"building {job.label} failed (exit {proc.returncode}): {' '.join(argv)}\n"
                f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\n"
                f"(needs: {INSTALL_HINT})"
            )
    if not job.output.exists():
        raise TestPluginBuildError(f"building {job.label} produced no {job.output}")


def _dpf_argv(
    tc: _Toolchain, spec: PluginSpec, fmt: str, out: Path, extra: Sequence[str] = ()
) -> tuple[str, ...]:
    plugin_dir = SRC_DIR / spec.name
    return (
        tc.cxx,
        *_CXXFLAGS,
        f"-DDISTRHO_PLUGIN_TARGET_{_TARGET_DEFINE[fmt]}",
        *extra,
        f"-I{plugin_dir}",
        f"-I{tc.dpf / 'distrho'}",
        str(plugin_dir / "Plugin.cpp"),
        str(tc.dpf / "distrho" / "DistrhoPluginMain.cpp"),
        f"-Wl,--version-script={tc.dpf / 'utils' / 'symbols' / (fmt + '.version')}",
        *_LDFLAGS,
        "-o",
        str(out),
    )


def _plan(
    tc: _Toolchain, root: Path, work: Path, formats: Sequence[str]
) -> tuple[list[_Job], list[BuiltPlugin]]:
    """Return (compile jobs, plugin records)."""
    stage1: list[_Job] = []
    built: list[BuiltPlugin] = []
    ttlgen = work / "lv2_ttl_generator"
    if "lv2" in formats:
        stage1.append(
            _Job(
                "lv2_ttl_generator",
                (
                    tc.cxx,
                    "-x",
                    "c",
                    "-O1",
                    str(tc.dpf / "utils" / "lv2-ttl-generator" / "lv2_ttl_generator.c"),
                    "-ldl",
                    "-o",
                    str(ttlgen),
                ),
                ttlgen,
            )
        )

    for spec in PLUGIN_SPECS:
        fmts = [f for f in spec.formats if f in formats]
        if not fmts:
            continue
        records: dict[str, BuiltFormat] = {}
        for fmt in fmts:
            base = root / spec.category / fmt
            if fmt == "vst3":
                bundle = base / f"{spec.name}.vst3"
                so_name = "Other" if spec.behaviour == "wrong-so-name" else spec.name
                binary = bundle / "Contents" / _ARCH_DIR / f"{so_name}.so"
                stage1.append(_Job(f"{spec.name} [vst3]", _dpf_argv(tc, spec, fmt, binary), binary))
                records[fmt] = BuiltFormat(fmt, bundle, binary)
            elif fmt == "clap":
                binary = base / f"{spec.name}.clap"
                stage1.append(_Job(f"{spec.name} [clap]", _dpf_argv(tc, spec, fmt, binary), binary))
                records[fmt] = BuiltFormat(fmt, binary, binary)
            elif fmt == "ladspa":
                binary = base / f"{spec.name}.so"
                stage1.append(
                    _Job(f"{spec.name} [ladspa]", _dpf_argv(tc, spec, fmt, binary), binary)
                )
                records[fmt] = BuiltFormat(fmt, binary, binary)
            elif fmt == "lv2":
                bundle = base / f"{spec.name}.lv2"
                binary = bundle / f"{spec.name}.so"
                ttl = bundle / f"{spec.name}.ttl"
                if spec.behaviour == "static-init-crash":
                    # The shipped binary crashes at dlopen, so generate the TTL from a
                    # copy built with PL_STATIC_INIT_SAFE (same name, same metadata).
                    safe_dir = work / f"{spec.name}-ttl"
                    safe = safe_dir / f"{spec.name}.so"
                    stage1.append(
                        _Job(f"{spec.name} [lv2]", _dpf_argv(tc, spec, fmt, binary), binary)
                    )
                    stage1.append(
                        _Job(
                            f"{spec.name} [lv2, ttl copy]",
                            _dpf_argv(tc, spec, fmt, safe, ["-DPL_STATIC_INIT_SAFE"]),
                            safe_dir / "manifest.ttl",
                            cwd=safe_dir,
                            after=(
                                (str(ttlgen), f"./{safe.name}"),
                                ("mkdir", "-p", str(bundle)),
                                ("cp", "manifest.ttl", f"{spec.name}.ttl", str(bundle)),
                            ),
                        )
                    )
                else:
                    stage1.append(
                        _Job(
                            f"{spec.name} [lv2]",
                            _dpf_argv(tc, spec, fmt, binary),
                            ttl,
                            cwd=bundle,
                            after=((str(ttlgen), f"./{binary.name}"),),
                        )
                    )
                records[fmt] = BuiltFormat(fmt, bundle, binary)
        built.append(
            BuiltPlugin(
                name=spec.name,
                category=spec.category,
                behaviour=spec.behaviour,
                maker="Pluginary Test",
                uri=spec.uri,
                clap_ids=(spec.clap_id,),
                unique_id=spec.unique_id_int,
                vst3_class_id=spec.vst3_class_id,
                vst3_class_ids=(spec.vst3_class_id,) if "vst3" in spec.formats else (),
                num_parameters=spec.num_parameters,
                audio_inputs=spec.audio_inputs,
                audio_outputs=spec.audio_outputs,
                is_instrument=spec.is_instrument,
                midi_input=spec.midi_input,
                description=spec.description,
                formats=records,
            )
        )

    special = root / "special"
    if "vst3" in formats:
        text = special / "vst3" / "NotAPlugin.vst3"
        bundle = special / "vst3" / "NotAPluginBundle.vst3"
        lib = bundle / "Contents" / _ARCH_DIR / "NotAPluginBundle.so"
        stage1.append(_Job("NotAPluginBundle [vst3]", _c_lib_argv(tc, "NotAPlugin.c", lib), lib))
        text.parent.mkdir(parents=True, exist_ok=True)
        text.write_text("This is not a VST3 plugin, just a text file named .vst3.\n")
        built.append(
            _special(
                "NotAPlugin",
                "not-a-plugin",
                "A text file and a plain shared library posing as VST3 bundles",
                {
                    "vst3": BuiltFormat("vst3", text, None),
                    "vst3-bundle": BuiltFormat("vst3-bundle", bundle, lib),
                },
            )
        )
        multi_vst3 = special / "vst3" / "PlMultiVst3.vst3"
        multi_vst3_so = multi_vst3 / "Contents" / _ARCH_DIR / "PlMultiVst3.so"
        stage1.append(
            _Job(
                "PlMultiVst3 [vst3]",
                _c_lib_argv(tc, "PlMultiVst3.c", multi_vst3_so),
                multi_vst3_so,
            )
        )
        built.append(
            dataclasses.replace(
                _special(
                    "PlMultiVst3",
                    "multi-class",
                    "One VST3 module with two audio module classes (PlMulti A: Fx|Delay,"
                    " PlMulti B: Instrument|Synth) and a controller class; metadata only"
                    " (createInstance returns kNotImplemented); not DPF-based",
                    {"vst3": BuiltFormat("vst3", multi_vst3, multi_vst3_so)},
                ),
                maker="Pluginary Test",
                vst3_class_ids=PL_MULTI_VST3_CLASS_IDS,
            )
        )
        normalized = special / "vst3" / "PlNormalized.vst3"
        normalized_so = normalized / "Contents" / _ARCH_DIR / "PlNormalized.so"
        stage1.append(
            _Job(
                "PlNormalized [vst3]",
                _c_lib_argv(tc, "PlNormalizedVst3.c", normalized_so),
                normalized_so,
            )
        )
        built.append(
            dataclasses.replace(
                _special(
                    "PlNormalized",
                    "normalized-parameters",
                    "One VST3 single-component plugin (IComponent + IEditController, Fx|EQ)"
                    " whose parameters have no declared range, as JUCE plugins: plain values"
                    " are the normalised values (ids 10 Crossover, 20 Mode), only the"
                    " displayed text shows the units (87.8..1020.3 Hz, Low/Mid/High); id 30"
                    " Gain maps to -24..24 dB; not DPF-based",
                    {"vst3": BuiltFormat("vst3", normalized, normalized_so)},
                ),
                maker="Pluginary Test",
                vst3_class_ids=(PL_NORMALIZED_VST3_CLASS_ID,),
                vst3_class_id=PL_NORMALIZED_VST3_CLASS_ID,
                num_parameters=3,
                audio_inputs=2,
                audio_outputs=2,
            )
        )
    if "clap" in formats:
        lib = special / "clap" / "NotAPlugin.clap"
        stage1.append(_Job("NotAPlugin [clap]", _c_lib_argv(tc, "NotAPlugin.c", lib), lib))
        multi = special / "clap" / "PlMulti.clap"
        stage1.append(_Job("PlMulti [clap]", _c_lib_argv(tc, "PlMultiClap.c", multi), multi))
        params = special / "clap" / "PlParams.clap"
        stage1.append(_Job("PlParams [clap]", _c_lib_argv(tc, "PlParamsClap.c", params), params))
        if "NotAPlugin" in [b.name for b in built]:
            idx = [b.name for b in built].index("NotAPlugin")
            old = built[idx]
            built[idx] = _special(
                old.name,
                old.behaviour,
                old.description,
                {**old.formats, "clap": BuiltFormat("clap", lib, lib)},
            )
        else:
            built.append(
                _special(
                    "NotAPlugin",
                    "not-a-plugin",
                    "A plain shared library posing as a CLAP plugin",
                    {"clap": BuiltFormat("clap", lib, lib)},
                )
            )
        built.append(
            BuiltPlugin(
                name="PlMulti",
                category="special",
                behaviour="multi",
                maker="Pluginary Test",
                uri=None,
                clap_ids=("org.pluginary.test.PlMultiA", "org.pluginary.test.PlMultiB"),
                unique_id=None,
                vst3_class_id=None,
                num_parameters=0,
                audio_inputs=None,
                audio_outputs=None,
                is_instrument=False,
                midi_input=False,
                description="One CLAP file with two plugins (PlMultiA, PlMultiB); not DPF-based",
                formats={"clap": BuiltFormat("clap", multi, multi)},
            )
        )
        built.append(
            BuiltPlugin(
                name="PlParams",
                category="special",
                behaviour="params-and-init-failure",
                maker="Pluginary Test",
                uri=None,
                clap_ids=PL_PARAMS_CLAP_IDS,
                unique_id=None,
                vst3_class_id=None,
                # What org.pluginary.test.PlParams declares (PlParamsClap.c's tables):
                # 3 parameters (one hidden), 2 + 1 input channels, 2 output channels.
                num_parameters=3,
                audio_inputs=3,
                audio_outputs=2,
                is_instrument=False,
                midi_input=True,
                description=(
                    "One CLAP file with two plugins: PlParams (clap.params with ids 100, 200"
                    " hidden, 300 read-only; a stereo main input, a mono sidechain input, a"
                    " stereo main output; one note input port) and PlInitFails (init() returns"
                    " false); not DPF-based"
                ),
                formats={"clap": BuiltFormat("clap", params, params)},
            )
        )
    if "ladspa" in formats:
        for job, plugin in _engine_ladspa(tc, root):
            stage1.append(job)
            built.append(plugin)
    order = {"vst3": 0, "lv2": 1, "clap": 2, "ladspa": 3}
    jobs = [
        dataclasses.replace(
            j, priority=order.get(j.label.split("[")[-1].rstrip("]").split(",")[0], 9)
        )
        for j in stage1
    ]
    return jobs, built


def _special(name: str, behaviour: str, desc: str, formats: dict[str, BuiltFormat]) -> BuiltPlugin:
    return BuiltPlugin(
        name=name,
        category="special",
        behaviour=behaviour,
        maker="",
        uri=None,
        clap_ids=(),
        unique_id=None,
        vst3_class_id=None,
        num_parameters=None,
        audio_inputs=None,
        audio_outputs=None,
        is_instrument=False,
        midi_input=False,
        description=desc,
        formats=formats,
    )


# Libraries that misbehave against the scan worker's protocol (pluginary.scan.worker) rather
# than against a format extension. The misbehaviour runs in a constructor, i.e. at dlopen, which
# the LADSPA extension does in the worker at tier 1. They live in engine/, not special/, so that
# no scan of the special/ or torture/ folders meets them. Sources: src/special/<name>.c.
# name: (behaviour, description, what differs from _special's record)
_ENGINE_LADSPA: dict[str, tuple[str, str, dict[str, Any]]] = {
    "PlProtocolWrite": (
        "protocol-write",
        "Engine: at dlopen, writes a malformed frame (big-endian length 5, then five 0xC1 bytes,"
        " never valid msgpack) to every writable FIFO among fds 3..1023, then returns and loads"
        ' as one LADSPA plugin ("PPwr", no ports); not DPF-based',
        {  # what its one descriptor declares
            "maker": "Pluginary Test",
            "unique_id": int.from_bytes(b"PPwr", "big"),
            "num_parameters": 0,
            "audio_inputs": 0,
            "audio_outputs": 0,
        },
    ),
    "PlCloseFds": (
        "close-fds",
        "Engine: at dlopen, closes every fd from 3 to 1023, then sleeps forever in pause()"
        " (no CPU); its ladspa_descriptor lists no plugin; not DPF-based",
        {},
    ),
}


def _engine_ladspa(tc: _Toolchain, root: Path) -> list[tuple[_Job, BuiltPlugin]]:
    # Name the missing package rather than let the compile fail with the generic hint.
    if not any(Path(d, "ladspa.h").is_file() for d in ("/usr/include", "/usr/local/include")):
        raise TestPluginBuildError("ladspa.h not found: apt-get install ladspa-sdk")
    jobs = []
    for name, (behaviour, desc, fields) in _ENGINE_LADSPA.items():
        lib = root / "engine" / "ladspa" / f"{name}.so"
        formats = {"ladspa": BuiltFormat("ladspa", lib, lib)}
        plugin = dataclasses.replace(
            _special(name, behaviour, desc, formats), category="engine", **fields
        )
        jobs.append((_Job(f"{name} [ladspa]", _c_lib_argv(tc, f"{name}.c", lib), lib), plugin))
    return jobs


def _c_lib_argv(tc: _Toolchain, source: str, out: Path) -> tuple[str, ...]:
    return (
        tc.cxx,
        "-x",
        "c",
        "-std=c11",
        "-O2",
        "-fPIC",
        "-shared",
        "-fvisibility=hidden",
        "-Wall",
        f"-I{tc.dpf / 'distrho' / 'src'}",
        str(SRC_DIR / "special" / source),
        "-o",
        str(out),
    )


def _jobs_count() -> int:
    env = os.environ.get("PLUGINARY_TESTPLUGINS_JOBS")
    if env:
        return max(1, int(env))
    return max(1, min(2, os.cpu_count() or 1))


def _build_into(tc: _Toolchain, root: Path, formats: Sequence[str], key: str) -> TestPluginSet:
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pluginary-testplugins-") as tmp:
        work = Path(tmp)
        stage1, built = _plan(tc, root, work, formats)
        # The ttl generator must exist before any LV2 job runs its post step: build it first.
        gen = [j for j in stage1 if j.label == "lv2_ttl_generator"]
        rest = [j for j in stage1 if j.label != "lv2_ttl_generator"]
        for job in gen:
            _run(job)
        rest.sort(key=lambda j: j.priority)  # longest jobs first
        with concurrent.futures.ThreadPoolExecutor(max_workers=_jobs_count()) as pool:
            futures = [pool.submit(_run, job) for job in rest]
            for fut in concurrent.futures.as_completed(futures):
                exc = fut.exception()
                if exc is not None:  # fail fast: drop the queued jobs
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise exc
    result = TestPluginSet(
        root=root,
        cache_key=key,
        compiler=tc.compiler_version,
        dpf_version=tc.dpf_version,
        formats=tuple(formats),
        plugins=tuple(built),
        build_seconds=time.monotonic() - start,
        from_cache=False,
    )
    manifest = root / "manifest.json"
    tmp_manifest = manifest.with_suffix(".json.tmp")
    tmp_manifest.write_text(json.dumps(result.to_manifest(absolute=False), indent=2) + "\n")
    tmp_manifest.replace(manifest)
    return result


def _load(root: Path, key: str, formats: Sequence[str]) -> TestPluginSet | None:
    manifest = root / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    if data.get("schema") != MANIFEST_SCHEMA or data.get("cache_key") != key:
        return None
    if tuple(data.get("formats", ())) != tuple(formats):
        return None
    result = TestPluginSet.from_manifest(root, data, from_cache=True)
    for plugin in result.plugins:
        for built in plugin.formats.values():
            if not built.path.exists() or (built.binary is not None and not built.binary.exists()):
                return None
    return result


def build_all(out_dir: Path | None = None, formats: Sequence[str] = ALL_FORMATS) -> TestPluginSet:
    """Build (or reuse) every test plugin for ``formats`` and return what was built.

    Without ``out_dir`` the result goes to ``$PLUGINARY_TESTPLUGINS_CACHE/<key>`` or
    ``~/.cache/pluginary-testplugins/<key>``; with it, straight into ``out_dir``
    (reused when its manifest matches the key). Raises :class:`TestPluginBuildError`
    when the toolchain is missing or a compile fails.
    """
    formats = tuple(f for f in ALL_FORMATS if f in formats)
    unknown = set(formats) - set(ALL_FORMATS)
    if unknown:
        raise ValueError(f"unknown formats: {sorted(unknown)}")
    tc = _toolchain()
    key = cache_key(tc)
    if formats != ALL_FORMATS:
        key = f"{key}-{'-'.join(formats)}"
    root = Path(out_dir) if out_dir is not None else _cache_base() / key
    root = root.resolve()
    lock = root.parent / f".{root.name}.lock"
    with _file_lock(lock):
        cached = _load(root, key, formats)
        if cached is not None:
            return cached
        if out_dir is None:
            # build next to the final place, then move it in atomically
            staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root.parent))
            try:
                _build_into(tc, staging, formats, key)
                if root.exists():
                    shutil.rmtree(root)
                staging.rename(root)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
            loaded = _load(root, key, formats)
            if loaded is None:  # pragma: no cover - would be a bug in _build_into
                raise TestPluginBuildError(f"build finished but {root} is incomplete")
            return TestPluginSet(**{**loaded.__dict__, "from_cache": False})
        for sub in ("good", "torture", VALIDATION_CATEGORY, "special", "engine", "manifest.json"):
            target = root / sub
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        root.mkdir(parents=True, exist_ok=True)
        return _build_into(tc, root, formats, key)
