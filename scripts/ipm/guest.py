"""The 'make runtime' guest's userland and disk.

initramfs(arch, say, cache)
  CACHE/initramfs-ARCH.cpio (CACHE is <cache>/runtime): a newc cpio
  archive (_cpio_newc) of a static busybox and guest/ipm-init.sh as the
  guest's /init.  The busybox (busybox_for) is the host's for the host's
  architecture, else Debian's busybox-static .deb for ARCH, fetched with
  apt-get download through a private apt configuration in CACHE (the
  system's apt sources and dpkg architectures are left alone).  Only
  ARCH's name and busybox_deb_arch are read (a kbuild.Arch, which this
  module does not import).

make_disk(path)
  The guest's virtio-blk disk, DISK_BYTES long: the first half fixed
  pseudo-random bytes (known_half()), whose sha256 it returns for the
  guest's command line, the second half zeroes, the scratch space the
  guest writes its patterns to."""

import hashlib
import os
import pathlib
import random
import shutil

from . import errors, procs
from .errors import ToolError
from .manifest import ROOT

GUEST_INIT = ROOT / "guest" / "ipm-init.sh"
DISK_BYTES = 4 << 20            # first half known content, second half scratch


def _cpio_newc(entries):
    """A newc cpio archive of ENTRIES: (name, mode, data or symlink target)."""
    out = bytearray()

    def rec(ino, name, mode, data):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08X}" for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        out.extend(hdr.encode() + name_b)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for i, (name, mode, data) in enumerate(entries, 1):
        rec(i, name, mode, data)
    rec(0, "TRAILER!!!", 0, b"")
    return bytes(out)


def busybox_for(arch, say, cache):
    """A static busybox binary for ARCH: the host's for the host's
    architecture, else Debian's busybox-static .deb for ARCH, fetched with
    apt-get download through a private apt configuration in CACHE (the
    system's apt sources and dpkg architectures are left alone)."""
    host = "amd64" if os.uname().machine in ("x86_64", "amd64") else "arm64"
    if arch.busybox_deb_arch == host:
        bb = shutil.which("busybox")
        p = procs.run(["file", "-L", bb], capture_output=True, text=True) \
            if shutil.which("file") else None
        if p is None or "statically linked" in p.stdout:
            return pathlib.Path(bb)
    d = cache / f"busybox-{arch.busybox_deb_arch}"
    bb = d / "bin" / "busybox"
    if bb.is_file():
        return bb
    say(f"{arch.name:<7} fetching Debian's busybox-static:{arch.busybox_deb_arch}")
    apt = cache / f"apt-{arch.busybox_deb_arch}"
    for sub in ("lists/partial", "cache/archives/partial", "debs"):
        (apt / sub).mkdir(parents=True, exist_ok=True)
    codename = "bookworm"
    try:
        for l in pathlib.Path("/etc/os-release").read_text().splitlines():
            if l.startswith("VERSION_CODENAME="):
                codename = l.split("=", 1)[1].strip() or codename
    except OSError:
        pass
    (apt / "sources.list").write_text(
        f"deb [arch={arch.busybox_deb_arch} signed-by=/usr/share/keyrings/"
        f"debian-archive-keyring.gpg] http://deb.debian.org/debian {codename} main\n")
    opts = [f"-oDir::Etc::SourceList={apt / 'sources.list'}",
            "-oDir::Etc::SourceParts=/dev/null",
            f"-oDir::State::Lists={apt / 'lists'}", f"-oDir::Cache={apt / 'cache'}",
            "-oDir::State::status=/dev/null", "-oAcquire::Languages=none",
            f"-oAPT::Architecture={arch.busybox_deb_arch}",
            f"-oAPT::Architectures::={arch.busybox_deb_arch}"]
    for argv in (["apt-get", *opts, "update", "-q"],
                 ["apt-get", *opts, "download",
                  f"busybox-static:{arch.busybox_deb_arch}"]):
        p = procs.run(argv, cwd=apt / "debs", capture_output=True, text=True)
        if p.returncode != 0:
            err = (p.stderr or p.stdout).strip().splitlines()
            raise ToolError(f"{' '.join(argv[:1] + argv[-2:])} failed: "
                            f"{err[-1] if err else p.returncode}",
                            errors.EXIT_NO_TOOL)
    debs = sorted((apt / "debs").glob("busybox-static_*.deb"))
    if not debs:
        raise ToolError("apt-get download busybox-static produced no .deb",
                        errors.EXIT_NO_TOOL)
    tmp = d.with_name(d.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    procs.run(["dpkg-deb", "-x", str(debs[-1]), str(tmp)], check=True)
    shutil.rmtree(d, ignore_errors=True)
    os.replace(tmp, d)
    return bb


def initramfs(arch, say, cache):
    """CACHE/initramfs-ARCH.cpio: busybox and our /init."""
    bb = busybox_for(arch, say, cache).read_bytes()
    init = GUEST_INIT.read_bytes()
    data = _cpio_newc([
        ("bin", 0o40755, b""), ("dev", 0o40755, b""), ("proc", 0o40755, b""),
        ("sys", 0o40755, b""), ("tmp", 0o41777, b""),
        ("bin/busybox", 0o100755, bb), ("bin/sh", 0o120777, b"busybox"),
        ("init", 0o100755, init)])
    path = cache / f"initramfs-{arch.name}.cpio"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path


def known_half():
    """The first half of every test disk: fixed pseudo-random bytes."""
    return random.Random(0x10337).randbytes(DISK_BYTES // 2)


def make_disk(path):
    half = known_half()
    with open(path, "wb") as f:
        f.write(half)
        f.write(b"\0" * (DISK_BYTES - len(half)))
    return hashlib.sha256(half).hexdigest()
