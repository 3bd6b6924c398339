"""A preset bundle that is not what it claims is refused whole, with one BundleError (exit
14) saying what was wrong where; nothing is stored. Each bad bundle is a real one
(presetbundle_data.py) edited one way.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pluginary.errors import NotFoundError
from pluginary.presets.bundle import BundleError, read_bundle
from pluginary.presets.model import preset_key, sha256

from .presetbundle_data import (
    ZAM_PRESETS,
    export,
    isolated_env,
    make_vstpreset,
    open_sender,
    rewrite,
    scan_zam,
)


@pytest.fixture(scope="module")
def good_bundle_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One good bundle of three real presets, written once for the module."""
    home = tmp_path_factory.mktemp("good")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in isolated_env(home).items():
            patch.setenv(name, value)
        sender = open_sender(home / "sender.db", scan_zam(home), make_vstpreset(25.0))
        try:
            yield export(sender, home / "good.zip")
        finally:
            sender.close()


@pytest.fixture
def good_bundle(good_bundle_file: Path, tmp_path: Path) -> Path:
    """A private copy of the good bundle."""
    copy = tmp_path / "good.zip"
    copy.write_bytes(good_bundle_file.read_bytes())
    return copy


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path


def refusal(path: Path, **kwargs: Any) -> BundleError:
    with pytest.raises(BundleError) as caught:
        read_bundle(path, **kwargs)
    assert caught.value.exit_code == 14 and caught.value.hint
    return caught.value


def first_file(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as archive:
        return str(json.loads(archive.read("manifest.json"))["presets"][0]["file"])


def test_the_good_bundle_reads(good_bundle: Path) -> None:
    bundle = read_bundle(good_bundle)
    assert len(bundle.manifest.presets) == 3 and len(bundle.payloads) == 3


def test_refuses_a_file_that_is_not_a_zip() -> None:
    error = refusal(ZAM_PRESETS)
    assert str(error).startswith(f"{ZAM_PRESETS}: not a zip file (")
    assert str(error).endswith("), so not a preset bundle")


def test_refuses_a_missing_file(out: Path) -> None:
    with pytest.raises(NotFoundError, match="no such bundle file"):
        read_bundle(out / "absent.zip")
    assert str(refusal(out)) == f"{out}: is a folder, not a bundle file"


def test_refuses_a_zip_without_a_manifest(good_bundle: Path, out: Path) -> None:
    bad = rewrite(good_bundle, out / "bad.zip",
                  members=lambda m: m.pop("manifest.json"))
    assert str(refusal(bad)) == (f"{bad}: has no manifest.json at its top level, so it is not "
                                 "a Pluginary preset bundle")


def test_refuses_a_manifest_that_is_not_json(good_bundle: Path, out: Path) -> None:
    bad = rewrite(good_bundle, out / "bad.zip",
                  members=lambda m: m.update({"manifest.json": b"{not json"}))
    assert str(refusal(bad)).startswith(f"{bad}: manifest.json is not valid: JSON is malformed")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sha256", "not-a-hash", "Expected `str` matching regex '^[0-9a-f]{64}$' - at "
                             "`$.presets[1].sha256`"),
    ("size", "12", "Expected `int`, got `str` - at `$.presets[1].size`"),
    ("size", -1, "Expected `int` >= 0 - at `$.presets[1].size`"),
    ("key", "XYZ", "Expected `str` matching regex '^[0-9a-f]{12}$' - at `$.presets[1].key`"),
    ("file", None, "Expected `str`, got `null` - at `$.presets[1].file`"),
])
def test_refuses_a_bad_field_naming_its_json_path(good_bundle: Path, out: Path,
                                                  field: str, value: Any,
                                                  message: str) -> None:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["presets"][1][field] = value

    bad = rewrite(good_bundle, out / "bad.zip", manifest=edit)
    assert str(refusal(bad)) == f"{bad}: manifest.json is not valid: {message}"


def test_refuses_a_missing_required_field(good_bundle: Path, out: Path) -> None:
    bad = rewrite(good_bundle, out / "bad.zip",
                  manifest=lambda m: m["plugins"][0].pop("uid"))
    assert str(refusal(bad)) == (f"{bad}: manifest.json is not valid: Object missing required "
                                 "field `uid` - at `$.plugins[0]`")


def test_refuses_a_newer_version_asking_for_an_upgrade(good_bundle: Path,
                                                       out: Path) -> None:
    def newer(manifest: dict[str, Any]) -> None:
        manifest["version"] = 2
        manifest["presets"][0]["sha256"] = {"algorithm": "blake3"}  # a change v1 cannot read

    error = refusal(rewrite(good_bundle, out / "bad.zip", manifest=newer))
    assert str(error) == (f"{out / 'bad.zip'}: is a version 2 bundle; this Pluginary "
                          "reads versions up to 1; nothing was imported")
    assert error.hint == "upgrade Pluginary, then import it again"


def test_refuses_another_schema(good_bundle: Path, out: Path) -> None:
    bad = rewrite(good_bundle, out / "bad.zip",
                  manifest=lambda m: m.update(schema="pluginary-manifest"))
    assert str(refusal(bad)) == (f"{bad}: manifest.json has schema 'pluginary-manifest', not "
                                 "'pluginary-presets', so it is not a Pluginary preset bundle")


def test_refuses_a_payload_whose_hash_does_not_match(good_bundle: Path,
                                                     out: Path) -> None:
    name = first_file(good_bundle)

    def flip(members: dict[str, bytes]) -> None:
        data = bytearray(members[name])
        data[-2] ^= 0x01  # one bit: same size, other hash
        members[name] = bytes(data)

    bad = rewrite(good_bundle, out / "bad.zip", members=flip)
    with zipfile.ZipFile(bad) as archive:
        actual = sha256(archive.read(name))
    expected = read_bundle(good_bundle).manifest.presets[0].sha256
    assert str(refusal(bad)) == (f"{bad}: '{name}' has sha256 {actual}, but $.presets[0].sha256 "
                                 f"says {expected} (altered or damaged); nothing was imported")


def test_refuses_a_payload_whose_size_does_not_match(good_bundle: Path, out: Path) -> None:
    name = first_file(good_bundle)
    bad = rewrite(good_bundle, out / "bad.zip",
                  members=lambda m: m.update({name: m[name] + b"\n"}))
    size = read_bundle(good_bundle).manifest.presets[0].size
    assert str(refusal(bad)) == (f"{bad}: '{name}' holds {size + 1} bytes, but "
                                 f"$.presets[0].size says {size}; nothing was imported")


def test_refuses_a_missing_payload(good_bundle: Path, out: Path) -> None:
    name = first_file(good_bundle)
    bad = rewrite(good_bundle, out / "bad.zip", members=lambda m: m.pop(name))
    preset = read_bundle(good_bundle).manifest.presets[0]
    assert str(refusal(bad)) == (f"{bad}: the payload '{name}' of preset '{preset.name}' "
                                 "($.presets[0].file) is missing from the zip; nothing was "
                                 "imported")


@pytest.mark.parametrize(("member", "why"), [
    ("../ZamComp/evil.ttl", "a '..' or '.' component"),
    ("presets/../../evil.ttl", "a '..' or '.' component"),
    ("/etc/evil.ttl", "an absolute path"),
    ("C:/Users/evil.ttl", "an absolute path"),
    ("presets\\..\\..\\evil.ttl", "a backslash"),
])
def test_refuses_a_member_that_would_escape_its_folder(good_bundle: Path, out: Path,
                                                       member: str, why: str) -> None:
    name = first_file(good_bundle)

    def move(members: dict[str, bytes]) -> None:
        members[member] = members.pop(name)

    bad = rewrite(good_bundle, out / "bad.zip", members=move,
                  manifest=lambda m: m["presets"][0].update(file=member))
    error = refusal(bad)
    assert str(error) == (f"{bad}: the zip member '{member}' has {why}; a bundle must keep its "
                          "files inside it, so nothing was imported")


def test_refuses_a_manifest_file_path_that_climbs_out(good_bundle: Path, out: Path) -> None:
    # The zip's own names are fine; only the manifest points outside.
    bad = rewrite(good_bundle, out / "bad.zip",
                  manifest=lambda m: m["presets"][2].update(file="presets/../../../etc/passwd"))
    assert str(refusal(bad)) == (f"{bad}: $.presets[2].file 'presets/../../../etc/passwd' has "
                                 "a '..' or '.' component; nothing was imported")


def test_refuses_duplicate_keys(good_bundle: Path, out: Path) -> None:
    def twice(manifest: dict[str, Any]) -> None:
        manifest["presets"].append(dict(manifest["presets"][0]))

    bad = rewrite(good_bundle, out / "bad.zip", manifest=twice)
    first = read_bundle(good_bundle).manifest.presets[0]
    assert str(refusal(bad)) == (f"{bad}: $.presets[3].key '{first.key}' ({first.identity}) is "
                                 "in the bundle twice")


def test_refuses_a_key_that_is_not_its_identitys(good_bundle: Path, out: Path) -> None:
    bad = rewrite(good_bundle, out / "bad.zip",
                  manifest=lambda m: m["presets"][0].update(identity="urn:other"))
    assert "$.presets[0].key is '" in str(refusal(bad))
    assert f"but the key of its identity is '{preset_key('urn:other')}'" in str(refusal(bad))


def test_refuses_a_preset_of_an_undescribed_plugin(good_bundle: Path, out: Path) -> None:
    bad = rewrite(good_bundle, out / "bad.zip",
                  manifest=lambda m: m["presets"][0].update(plugin="vst3:0000"))
    assert str(refusal(bad)) == (f"{bad}: $.presets[0].plugin 'vst3:0000' is not described in "
                                 "$.plugins")


def test_refuses_a_zip_bomb(good_bundle: Path, out: Path) -> None:
    # 64 MiB of zeros deflate to about 64 KiB.
    bad = rewrite(good_bundle, out / "bad.zip",
                  members=lambda m: m.update({"presets/zeros.bin": bytes(64 << 20)}))
    assert bad.stat().st_size < 1 << 20
    error = refusal(bad, max_bytes=32 << 20)
    assert str(error).startswith(f"{bad}: would unpack to ")
    assert str(error).endswith(f"bytes, more than the limit of {32 << 20}; nothing was imported "
                               "(a zip bomb, or not a preset bundle)")
    read_bundle(bad)  # within the default limit, an extra file is harmless
