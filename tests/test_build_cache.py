"""The build cache rebuilds an artefact that does not match the digest recorded beside it."""

import os

from lutdnn.core.build_cache import build_once


def test_a_damaged_or_unrecorded_artefact_is_rebuilt(tmp_path):
    builds = []

    def build(target):
        builds.append(target)
        tmp = target.with_name(".partial")
        tmp.write_bytes(b"\x7fELF" + bytes(4096))
        os.replace(tmp, target)

    target = tmp_path / "entry" / "libmodel.so"
    assert build_once(target, build, 10) == target and len(builds) == 1
    build_once(target, build, 10)
    assert len(builds) == 1                          # intact: used as it is
    with open(target, "r+b") as f:
        f.truncate(100)                              # a build cut short, a full disk
    build_once(target, build, 10)
    assert len(builds) == 2 and target.stat().st_size == 4100
    target.with_name("libmodel.so.sha256").unlink()  # built before digests were recorded
    build_once(target, build, 10)
    assert len(builds) == 3
