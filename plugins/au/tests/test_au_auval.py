"""``auval -a`` output, recorded from the format a Mac prints: parsed by column, so codes with
spaces and non-ASCII names survive; and running it, through real subprocesses standing in for
auval (which exists only on macOS)."""

from __future__ import annotations

import sys
from pathlib import Path

from pluginary_au import auval, registry

SAMPLE = Path(__file__).parent / "data" / "auval-a.txt"


def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_the_recorded_listing_is_parsed_by_column():
    found = {r.uid: r for r in auval.parse(sample())}
    assert len(found) == 53  # 43 of Apple's and 10 third-party lines; no header line
    assert found["aufx:bpas:appl"].full_name == "Apple: AUBandpass"
    # Codes padded with spaces, and one with a space inside: split() would shift the columns.
    assert found["aumu:dls :appl"].full_name == "Apple: DLSMusicDevice"
    assert found["auou:def :appl"].subtype == "def "
    assert found["aumf:Nlz :Nlz "].full_name == "Nölz Audio: Plüsch"
    assert (found["aumu:h 2 :u-he"].subtype, found["aumu:h 2 :u-he"].manufacturer) == (
        "h 2 ", "u-he")
    assert found["aufx:Ykr :Yuki"].full_name == "雪音オーディオ: 残響 Reverb"
    assert found["aumu:Tnm2:TOGU"].full_name == "TAL-NoiseMaker"
    assert not any("Validation" in r.full_name or "Copyright" in r.full_name
                   for r in found.values())


def test_lines_that_are_not_registrations_are_ignored():
    assert auval.parse_line("    AU Validation Tool") is None
    assert auval.parse_line("    Specify -h (-help) for command options") is None
    assert auval.parse_line("") is None
    assert auval.parse_line("aufx bpas appl") is None  # no name part
    assert auval.parse_line("aufx bpas appl  =  Apple: AUBandpass") is None
    assert auval.parse_line("aufx  bpas appl  -  shifted") is None
    line = auval.parse_line("aufx bpas appl  -  Apple: AUBandpass\r\n")
    assert line == auval.Registration("aufx", "bpas", "appl", "Apple: AUBandpass")


def test_a_repeated_registration_is_listed_once():
    text = "aufx bpas appl  -  Apple: AUBandpass\naufx bpas appl  -  Apple: AUBandpass (2)\n"
    assert [r.full_name for r in auval.parse(text)] == ["Apple: AUBandpass"]


def test_auval_is_not_run_off_macos():
    listing = auval.run(platform="linux", command=("/bin/false",))
    assert listing == auval.Listing(cause="auval exists only on macOS")


def test_running_it_parses_what_it_prints():
    script = f"import sys; sys.stdout.write(open({str(SAMPLE)!r}, encoding='utf-8').read())"
    listing = auval.run(platform="darwin", command=(sys.executable, "-c", script))
    assert listing.cause == ""
    assert len(listing.registrations) == 53


def test_a_hung_auval_is_stopped_by_the_timeout():
    listing = auval.run(0.3, platform="darwin",
                        command=(sys.executable, "-c", "import time; time.sleep(30)"))
    assert listing == auval.Listing(cause="auval -a did not finish within 0.3 s")


def test_a_missing_or_failing_auval_gives_a_cause():
    missing = auval.run(platform="darwin", command=("/nonexistent/auval", "-a"))
    assert missing.cause == "auval is not installed (it ships with macOS in /usr/bin)"
    script = "import sys; sys.stderr.write('AudioComponentRegistrar not responding\\n'); exit(3)"
    failing = auval.run(platform="darwin", command=(sys.executable, "-c", script))
    assert failing.cause == "auval -a failed: AudioComponentRegistrar not responding"


def test_registrations_declared_by_no_scanned_bundle(components):
    registrations = auval.parse(sample())
    left = {c.path: c for c in registry.unbundled(
        sorted(components.iterdir()), registrations)}
    declared = {"aufx:FQ3p:FbFl", "aumu:StXT:VmbA", "aufx:SFXT:VmbA", "aumu:Tnm2:TOGU",
                "aumf:Nlz :Nlz ", "aumi:Sca2:PlBt"}
    assert set(left) == {"auval:" + r.uid for r in registrations if r.uid not in declared}
    bandpass = left["auval:aufx:bpas:appl"]
    assert bandpass.fingerprint is not None
    assert (bandpass.fingerprint.path, bandpass.fingerprint.metadata) == (
        "auval -a", "Apple: AUBandpass")


def test_a_registration_candidate_round_trips_to_a_record():
    (registration,) = auval.parse("aumu Nlz  Nlz   -  Nölz Audio: Plüsch\n")
    record = registry.record_of(registry.candidate_for(registration))
    assert record is not None
    assert (record.uid, record.name, record.vendor, record.file_path, record.bundle_path) == (
        "aumu:Nlz :Nlz ", "Plüsch", "Nölz Audio", "auval:aumu:Nlz :Nlz ", "")
    bad = registry.candidate_for(auval.Registration("aufx", "x", "y", "n"))
    assert registry.record_of(bad) is None  # "auval:aufx:x:y" is not three four-char codes

