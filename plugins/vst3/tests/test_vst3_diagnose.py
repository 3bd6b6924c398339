"""Load-failure diagnosis with real files: built with gcc, patched, or plain text.

Every dlopen happens in a subprocess, so a library initialiser cannot disturb pytest.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from pluginary_vst3.diagnose import elf_machine, explain_load_error, glibc_version

HERE = Path(__file__).resolve().parent
PLUGIN_ROOT = HERE.parent

# A missing compiler is a broken test machine, not a reason to skip: fail with what to install.
needs_gcc = pytest.mark.usefixtures("require_gcc")
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="ELF/glibc behaviour")


def diagnose_in_subprocess(path: Path) -> str:
    code = (
        "import sys; from pathlib import Path; from pluginary_vst3.diagnose import diagnose; "
        "print(diagnose(Path(sys.argv[1])))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGIN_ROOT), *sys.path])}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    return proc.stdout.strip()


def gcc(*args: str | Path, cwd: Path) -> None:
    subprocess.run(["gcc", *map(str, args)], cwd=cwd, check=True, capture_output=True)


@linux_only
def test_text_file_renamed_so(tmp_path: Path) -> None:
    fake = tmp_path / "Fake.so"
    fake.write_text("this is not a library, just some text long enough to have a header\n")
    assert diagnose_in_subprocess(fake) == "not a shared library (no ELF header)"


@linux_only
def test_missing_file(tmp_path: Path) -> None:
    assert diagnose_in_subprocess(tmp_path / "Gone.so") == "file does not exist"


@linux_only
@needs_gcc
def test_missing_dependency(tmp_path: Path) -> None:
    (tmp_path / "foo.c").write_text("int foo(void) { return 1; }\n")
    (tmp_path / "x.c").write_text("int foo(void);\nint bar(void) { return foo(); }\n")
    gcc("-shared", "-fPIC", "-o", "libfoo.so.2", "-Wl,-soname,libfoo.so.2", "foo.c", cwd=tmp_path)
    (tmp_path / "libfoo.so").symlink_to("libfoo.so.2")
    gcc("-shared", "-fPIC", "-o", "libneedsfoo.so", "x.c", "-L.", "-lfoo", cwd=tmp_path)
    (tmp_path / "libfoo.so").unlink()
    (tmp_path / "libfoo.so.2").unlink()
    assert diagnose_in_subprocess(tmp_path / "libneedsfoo.so") == (
        "needs libfoo.so.2, which is not installed"
    )


@linux_only
@needs_gcc
def test_loadable_library_has_no_cause(tmp_path: Path) -> None:
    (tmp_path / "ok.c").write_text("int ok(void) { return 0; }\n")
    gcc("-shared", "-fPIC", "-o", "libok.so", "ok.c", cwd=tmp_path)
    assert diagnose_in_subprocess(tmp_path / "libok.so") == ""


@linux_only
@needs_gcc
@pytest.mark.skipif(glibc_version() is None, reason="needs glibc")
def test_glibc_too_old(tmp_path: Path) -> None:
    """A real library that needs GLIBC_2.99: build one needing memcpy@GLIBC_2.14, then rename
    the version it asks for (same length, so the ELF layout is unchanged)."""
    if platform.machine() != "x86_64":
        pytest.skip("memcpy@GLIBC_2.14 is an x86_64 symbol version")
    (tmp_path / "g.c").write_text(
        "#include <string.h>\nvoid *g(char *a, char *b, int n) { return memcpy(a, b, n); }\n"
    )
    gcc("-shared", "-fPIC", "-O0", "-fno-builtin", "-o", "libg.so", "g.c", cwd=tmp_path)
    data = (tmp_path / "libg.so").read_bytes()
    assert b"GLIBC_2.14" in data
    (tmp_path / "libg.so").write_bytes(data.replace(b"GLIBC_2.14", b"GLIBC_2.99"))
    assert diagnose_in_subprocess(tmp_path / "libg.so") == (
        f"needs GLIBC_2.99, this system has {glibc_version()}"
    )


@linux_only
@needs_gcc
def test_wrong_architecture(tmp_path: Path) -> None:
    """A real shared library whose ELF e_machine says aarch64 (or x86_64 on an aarch64 host):
    glibc itself only says "cannot open shared object file"."""
    (tmp_path / "ok.c").write_text("int ok(void) { return 0; }\n")
    gcc("-shared", "-fPIC", "-o", "libother.so", "ok.c", cwd=tmp_path)
    lib = tmp_path / "libother.so"
    here = elf_machine(lib)
    other, code = ("x86_64", 62) if here == "aarch64" else ("aarch64", 183)
    data = bytearray(lib.read_bytes())
    data[18:20] = code.to_bytes(2, "little")
    lib.write_bytes(bytes(data))
    assert elf_machine(lib) == other
    assert diagnose_in_subprocess(lib) == (
        f"wrong architecture (ELF for {other}, this machine is {here})"
    )


def test_elf_machine_of_a_constructed_big_endian_header(tmp_path: Path) -> None:
    header = bytearray(64)
    header[:4] = b"\x7fELF"
    header[4], header[5] = 2, 2  # 64-bit, big-endian
    header[18:20] = (22).to_bytes(2, "big")  # s390x
    path = tmp_path / "s390x.so"
    path.write_bytes(bytes(header))
    assert elf_machine(path) == "s390x"
    assert elf_machine(HERE / "data" / "moduleinfo_plain.json") is None
    assert explain_load_error("whatever", path, machine="x86_64") == (
        "wrong architecture (ELF for s390x, this machine is x86_64)"
    )


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        (
            "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found "
            "(required by /path/x.so)",
            "needs GLIBC_2.38, this system has 2.36",
        ),
        (
            "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found "
            "(required by /path/x.so)",
            "needs GLIBCXX_3.4.32 from libstdc++.so.6, which the installed one does not provide",
        ),
        (
            "libfoo.so.2: cannot open shared object file: No such file or directory",
            "needs libfoo.so.2, which is not installed",
        ),
        ("/p/x.so: invalid ELF header", "not a shared library (no ELF header)"),
        ("/p/x.so: file too short", "not a shared library (no ELF header)"),
        (
            "/p/x.so: wrong ELF class: ELFCLASS32",
            "wrong architecture (32-bit binary, this Python is 64-bit)",
        ),
        (
            "/p/x.so: undefined symbol: _ZN4juce6StringC1Ev",
            "undefined symbol _ZN4juce6StringC1Ev (built against a different library version)",
        ),
        ("something new\nsecond line", "something new"),
        ("", "failed to load (no error text)"),
    ],
)
def test_message_parsing(message: str, cause: str) -> None:
    if "ELFCLASS32" in message and sys.maxsize < 2**32:
        pytest.skip("64-bit Python only")
    assert explain_load_error(message, machine="x86_64", libc="2.36") == cause


def test_glibc_version_format() -> None:
    version = glibc_version()
    if sys.platform == "linux" and version is not None:
        assert version.count(".") >= 1 and version.replace(".", "").isdigit()
