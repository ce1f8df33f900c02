"""Out-of-tree kernel builds of drivers/iommu, the layer under verify.py,
sparse.py, bisectcheck.py and runtime.py.

It knows the architectures (ARCHES, parse_arches: what verify builds
and runtime boots), the tools a build needs (require_tools,
require_clean), the config fragments (parse_config, config_mismatches),
the environment of the kernel's make (make_env, ccache_env, in_mount_ns,
build_command, jobs) and the state of a build directory (BuildDir).  What
a build directory builds is its Recipe: VERIFY (verify, sparse,
bisect-check) by default, runtime.RECIPES for the bootable kernels
(tinyconfig + kconfig/runtime-ARCH.config [+ sanitize-ARCH.config], the
image, no -Werror, in <cache>/runtime/obj).  For one tree and
architecture, BuildDir
  configure  the recipe's base target (VERIFY: defconfig) + its fragments
             (VERIFY: kconfig/ARCH.config) merged with merge_config.sh -m,
             then olddefconfig; every option of the fragments must come
             out exactly as written (a missing driver would pass a build
             vacuously)
  build      the recipe's targets (VERIFY: 'make drivers/iommu/' with
             KCFLAGS=-Werror: any compiler warning fails; the unmigrated
             6.12 base builds clean this way)
(sparse.run is the third check of verify, 'make C=2' in a BuildDir).

Builds are out of tree, O=<cache>/builds/<key>-<arch>, KEY derived from the
tree's real path, so the kernel tree is never written and a second run only
rebuilds what changed.  Compiles go through ccache (<cache>/ccache), and
as root each make runs in a private mount namespace with the tree
bind-mounted read-only at <cache>/builds/.src (in_mount_ns): the compile
commands do not depend on where a tree is, so whatever one tree compiled,
another with the same content finds in ccache (verify of the migrated tree
after bisect-check's last step; the base's baseline after its first build;
bisect-check again, which rebuilds the same steps every time).  Make
decides by modification times; files of the scope that changed content but
are not newer than the last build (a 'restore', a fresh 'cp -a' to the same
path) have their objects removed first, because make cannot see those
changes (sync, stale_files; for a header, every object whose .cmd file
names it, in drivers/iommu or, for an image, in the whole kernel).  A
changed recipe or fragment configures afresh; another kernel version or
Makefile starts from an empty directory.  Changes outside the scope are
left to make.

Failures are Result objects (ok False), printed by line(); refusals are
ToolErrors: a missing tool or build header (exit 11), a tree configured in
place (2), a build directory in use (4).

The module is over 500 lines because BuildDir with its incremental safety
(about 300 of them, with Recipe and the pruning of orphans) belongs with
the architectures, the environment and the config checks that verify,
bisect-check and runtime all build through: together they are the one
build layer, and splitting it would split that layer's state in two."""

import contextlib
import dataclasses
import hashlib
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import time

from . import procs, tools, tree as treemod
from .errors import ToolError, EXIT_NO_TOOL
from .manifest import ROOT, scope as series_scope

KCONFIG_DIR = ROOT / "kconfig"
TARGET = "drivers/iommu/"
# Warnings are errors.  KCFLAGS reaches every C compile of the build (and
# is also handed to sparse, which ignores -Werror).  It is the same on
# every run of a build directory, so it never forces a rebuild by itself.
KCFLAGS = "-Werror"
STATE = "ipm-state.json"
LEGACY_STATE = "ipm-runtime-state.json"


@dataclasses.dataclass(frozen=True)
class Arch:
    name: str          # as given on the command line
    make_arch: str     # ARCH=
    srcarch: str       # arch/<srcarch>
    defconfig: str     # make target
    cross: str         # CROSS_COMPILE= ('' for a native build)
    image: str         # the bootable image, make target and path under arch/*/boot
    qemu: str          # the QEMU that boots it (runtime)
    console: str       # its serial console
    busybox_deb_arch: str   # Debian's name of the architecture (the guest's busybox)

    @property
    def fragment(self):
        return KCONFIG_DIR / f"{self.name}.config"

    @property
    def cc(self):
        return f"{self.cross}gcc"


def _x86_cross():
    return "" if platform.machine() in ("x86_64", "amd64") else "x86_64-linux-gnu-"


ARCHES = {
    "x86_64": Arch("x86_64", "x86_64", "x86", "x86_64_defconfig", _x86_cross(),
                   "arch/x86/boot/bzImage", "qemu-system-x86_64", "ttyS0", "amd64"),
    "arm64": Arch("arm64", "arm64", "arm64", "defconfig", "aarch64-linux-gnu-",
                  "arch/arm64/boot/Image", "qemu-system-aarch64", "ttyAMA0", "arm64"),
}


def parse_arches(spec):
    """'x86_64,arm64' -> [Arch, Arch]; a ToolError for an unknown name."""
    names = [s.strip() for s in (spec or "").split(",") if s.strip()]
    if not names:
        raise ToolError("--arch: give at least one of " + ", ".join(ARCHES))
    out = []
    for n in names:
        if n not in ARCHES:
            raise ToolError(f"--arch: unknown architecture {n!r} "
                            f"(known: {', '.join(ARCHES)})")
        if ARCHES[n] not in out:
            out.append(ARCHES[n])
    return out


@dataclasses.dataclass(frozen=True)
class Recipe:
    """What a build directory builds, and where it lives.

    HOME and SRC are below the cache: the build directories, and the
    empty directory the tree is bind-mounted at (in_mount_ns).  BASE is
    the config target the fragments (kconfig/ file names, '{arch}'
    replaced) are merged onto: 'defconfig' is the architecture's.  IMAGE:
    the whole bootable kernel, else drivers/iommu/ alone.  WERROR:
    KCFLAGS=-Werror on every compile."""
    home: str
    src: str
    base: str
    fragments: tuple
    suffix: str = ""          # of the directory's name, after <key>-<arch>
    image: bool = False
    werror: bool = True

    def base_target(self, arch):
        return arch.defconfig if self.base == "defconfig" else self.base

    def base_files(self, arch):
        """The files of the tree the base target reads (relative paths)."""
        if self.base == "defconfig":
            return [f"arch/{arch.srcarch}/configs/{arch.defconfig}"]
        name = self.base.removesuffix("config")
        return [f"kernel/configs/{name}-base.config", f"kernel/configs/{name}.config",
                f"arch/{arch.srcarch}/configs/{name}.config"]

    def fragment_paths(self, arch):
        return [KCONFIG_DIR / f.format(arch=arch.name) for f in self.fragments]

    def targets(self, arch):
        return [pathlib.Path(arch.image).name] if self.image else [TARGET]


# verify's, sparse's and bisect-check's: drivers/iommu of defconfig + kconfig/ARCH.config
VERIFY = Recipe("builds", "builds/.src", "defconfig", ("{arch}.config",))


# --- tools -----------------------------------------------------------------

# Host headers the kernel's build tools need (objtool, certificate tools).
HEADERS = (("gelf.h", "libelf-dev"), ("openssl/evp.h", "libssl-dev"))


def require_tools(arches, sparse=True):
    """One-line ToolError naming the Debian package of the first missing tool."""
    progs = ["make", "gcc", "flex", "bison", "bc", "ccache"]
    progs += [a.cc for a in arches if a.cross]
    if sparse:
        progs.append("sparse")
    tools.require(*progs)
    for header, pkg in HEADERS:
        p = procs.run(["gcc", "-E", "-x", "c", "-o", os.devnull, "-"],
                      input=f"#include <{header}>\n", text=True,
                      capture_output=True)
        if p.returncode != 0:
            raise ToolError(f"<{header}> not found: install the Debian package "
                            f"'{pkg}' (make deps)", EXIT_NO_TOOL)


def require_clean(tree):
    """Kernel O= builds refuse a source tree that was configured in place."""
    tree = pathlib.Path(tree)
    found = [rel for rel in (".config", "include/config",
                             "arch/x86/include/generated",
                             "arch/arm64/include/generated")
             if (tree / rel).exists()]
    if found:
        raise ToolError(f"{tree}: source tree is not clean (has "
                        f"{' and '.join(found)}); out-of-tree builds need "
                        f"'make mrproper' in it first, or verify a clean copy")


# --- .config parsing and checking -----------------------------------------

_SET = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$")
_UNSET = re.compile(r"^# (CONFIG_[A-Za-z0-9_]+) is not set$")


def parse_config(text):
    """{'CONFIG_X': 'y' | 'm' | 'n' | other value} from .config syntax."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        m = _SET.match(line)
        if m:
            out[m.group(1)] = m.group(2)
            continue
        m = _UNSET.match(line)
        if m:
            out[m.group(1)] = "n"
    return out


def config_mismatches(wanted, actual):
    """[(option, wanted, got)] for options of WANTED that did not stick.

    GOT is the value in .config, or None when the option is absent (not
    visible with this configuration, or unknown to this kernel)."""
    out = []
    for opt, want in wanted.items():
        got = actual.get(opt)
        if got == want or (want == "n" and got is None):
            continue
        out.append((opt, want, got))
    return out


def describe_mismatch(opt, want, got):
    what = "absent from .config" if got is None else f"={got}"
    return f"{opt}={want} wanted, {what}"


# --- build directories -----------------------------------------------------

def tree_key(tree):
    return hashlib.sha256(str(pathlib.Path(tree).resolve()).encode()).hexdigest()[:16]


def _sha1(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# Every kernel build of the tool runs at this niceness: the machine stays
# usable, and under 'make test' the builds of verify, bisect-check and
# runtime share the cores evenly while the short tests beside them go first.
NICE = 10


def jobs():
    """make -j for the kernel builds: one compiler per core."""
    return os.cpu_count() or 1


def make_env():
    """The environment for the kernel's make: C messages, and nothing of a
    calling make ('make verify KERNEL=...' exports MAKEFLAGS holding its
    command-line variables, which would reach the kernel's Makefile)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
                        "MAKE_TERMOUT", "MAKE_TERMERR", "GNUMAKEFLAGS")}
    env.update(LC_ALL="C", LANG="C")
    return env


_ns_ok = None


def mount_ns_available():
    """Can we bind-mount in a private mount namespace (root, unshare)?"""
    global _ns_ok
    if _ns_ok is None:
        _ns_ok = False
        if shutil.which("unshare") and os.geteuid() == 0:
            p = procs.run(["unshare", "--mount", "--propagation", "private",
                           "true"], capture_output=True)
            _ns_ok = p.returncode == 0
    return _ns_ok


def in_mount_ns(tree, src, argv):
    """ARGV run in a private mount namespace where TREE is bind-mounted
    read-only at SRC (an empty directory): kernel builds of different
    trees from one path give the same compile commands, so ccache serves
    one tree what another compiled from the same content."""
    script = ('mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" '
              '&& shift 2 && exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            script, "sh", str(tree), str(src), *map(str, argv)]


def build_command(tree, src, argv):
    """(argv, env) of ARGV as every kernel build of the tool runs it: at
    NICE, through ccache, and when SRC is not TREE with TREE bind-mounted
    at SRC (in_mount_ns), the paths below the cache made relative."""
    env = make_env()
    if src != tree:
        src.mkdir(parents=True, exist_ok=True)
        argv = in_mount_ns(tree, src, argv)
        ccache_env(env, basedir=treemod.cache_root())
    else:
        ccache_env(env)
    return ["nice", "-n", str(NICE), *argv], env


def ccache_env(env, basedir=None):
    """ENV with the settings of the ccache that every kernel build of the
    tool compiles through (<cache>/ccache).  BASEDIR: absolute paths below
    it are rewritten relative to the build directory, and the build
    directory is left out of the hash (runtime's bind-mounted builds)."""
    env.update(CCACHE_DIR=str(treemod.cache_root() / "ccache"),
               CCACHE_MAXSIZE=env.get("CCACHE_MAXSIZE", "5G"),
               CCACHE_COMPILERCHECK="content")
    if basedir:
        env.update(CCACHE_BASEDIR=str(basedir), CCACHE_NOHASHDIR="1")
    return env


@contextlib.contextmanager
def lock(path, busy=None):
    """PATH (a lock file) held exclusively; a ToolError (exit 4) if another
    run has it, saying BUSY (default: that another build is using it)."""
    with treemod.exclusive(path, busy or f"{path}: another build is using this "
                           "build directory; try again when it is done"):
        yield


@dataclasses.dataclass
class Result:
    ok: bool
    seconds: float
    detail: str = ""          # one line for the PASS/FAIL line
    excerpt: tuple = ()       # lines to print under a FAIL
    log: pathlib.Path = None
    rc: int = None            # the exit code of the command that failed


_INTERESTING = re.compile(r"(error|warning|note):|: In function|\*\*\*|"
                          r"undefined reference")
_MAKE_ERROR = re.compile(r"^make(\[\d+\])?: \*\*\* ")


def excerpt(text, srctree, limit=20):
    """The lines of a failed build worth showing, paths made relative.

    make's own 'Error N' lines only when nothing else explains the failure."""
    lines, makes = [], []
    prefix = str(srctree).rstrip("/") + "/"
    for line in text.splitlines():
        if _MAKE_ERROR.match(line):
            makes.append(line.replace(prefix, ""))
        elif _INTERESTING.search(line):
            lines.append(line.replace(prefix, ""))
    if not lines:
        lines = makes[:3] or text.splitlines()[-5:]
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
    return tuple(lines)


class BuildDir:
    """O= build directory of one tree for one architecture, built as
    RECIPE says (default: verify's)."""

    def __init__(self, tree, arch, scope=None, owner=None, recipe=VERIFY):
        self.tree = pathlib.Path(tree).resolve()
        self.arch = arch
        self.recipe = recipe
        self.scope = tuple(scope) if scope is not None else series_scope()
        # The tree this directory serves: a bisect scratch copy comes and
        # goes, its build directory lives as long as the tree it copies.
        self.owner = pathlib.Path(owner).resolve() if owner else self.tree
        self.key = tree_key(self.tree)
        cache = treemod.cache_root()
        self.path = cache / recipe.home / f"{self.key}-{arch.name}{recipe.suffix}"
        self.lockfile = self.path.with_name(self.path.name + ".lock")
        # The path make sees the tree at (see in_mount_ns): one for every
        # tree of a recipe, so that the paths ccache makes relative to a
        # build directory are the same for all.
        self.src = cache / recipe.src if mount_ns_available() else self.tree

    @contextlib.contextmanager
    def locked(self, busy=None):
        with lock(self.lockfile, busy):
            procs.kill_strays(self.path)    # a SIGKILLed run's compilers
            yield

    # -- make ---------------------------------------------------------------
    def make_argv(self, *targets, sparse=False):
        argv = ["make", "-C", str(self.src), f"O={self.path}",
                f"ARCH={self.arch.make_arch}", f"-j{jobs()}",
                "--output-sync=target", f"CC=ccache {self.arch.cross}gcc",
                "HOSTCC=ccache gcc"]
        if self.arch.cross:
            argv.append(f"CROSS_COMPILE={self.arch.cross}")
        if self.recipe.werror:
            argv.append(f"KCFLAGS={KCFLAGS}")
        if sparse:
            argv.append("C=2")
        return argv + list(targets)

    def run(self, argv, logname, cwd=None, append=False):
        """Run ARGV with its output in <O>/LOGNAME; (returncode, seconds,
        output of this command)."""
        self.path.mkdir(parents=True, exist_ok=True)
        log = self.path / logname
        t0 = time.monotonic()
        with open(log, "a" if append else "w") as f:
            start = f.tell()
            f.write("$ " + " ".join(argv) + "\n")
            f.flush()
            argv, env = build_command(self.tree, self.src, argv)
            p = procs.run(argv, stdout=f, stderr=subprocess.STDOUT,
                          cwd=cwd, env=env, stdin=subprocess.DEVNULL)
        with open(log, errors="replace") as f:
            f.seek(start)
            text = f.read()
        return p.returncode, time.monotonic() - t0, text

    # -- state and incremental safety ---------------------------------------
    def identity(self):
        """What must stay the same for the objects here to be reusable."""
        return {"tree": str(self.tree),
                "version": treemod.kernel_version(self.tree),
                "makefile": _sha1(self.tree / "Makefile")}

    def scope_hashes(self):
        return {rel: _sha1(self.tree / rel)
                for rel in treemod.scope_files(self.tree, self.scope)}

    def load_state(self):
        try:
            return json.loads((self.path / STATE).read_text())
        except (OSError, ValueError):
            return {}

    def save_state(self, **kw):
        state = self.load_state()
        state.update(kw)
        tmp = self.path / (STATE + ".tmp")
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
        os.replace(tmp, self.path / STATE)

    def sync(self, say=None):
        """Make the objects here safe to reuse for the tree as it is now.

        Returns the scope hashes (they also fingerprint the sparse baseline)."""
        ident = self.identity()
        state = self.load_state()
        # A directory without a state file was not made by sync (or by an
        # older layout): nothing says what its objects were built from.
        if (state.get("identity") != ident
                and (state or self.path.is_dir() and any(self.path.iterdir()))):
            if say:
                say(f"  {self.arch.name}: {self.path} was built from another "
                    "kernel; starting afresh")
            shutil.rmtree(self.path)
            state = {}
        hashes = self.scope_hashes()
        now = time.time_ns()
        stale = stale_files(state.get("scope", {}), hashes,
                            state.get("built_at", 0),
                            lambda rel: (self.tree / rel).stat().st_mtime_ns)
        self.invalidate(stale)
        self.path.mkdir(parents=True, exist_ok=True)
        self.save_state(identity=ident, scope=hashes, built_at=now,
                        owner=str(self.owner))
        return hashes

    def invalidate(self, stale):
        """Remove the objects that make would wrongly keep for STALE files."""
        if not stale:
            return
        victims = [self.path / (rel[:-2] + ".o") for rel in stale
                   if rel.endswith(".c")]
        headers = [rel for rel in stale if not rel.endswith(".c")]
        if headers:
            # An object depends on a header if its .cmd file (kbuild's
            # dependency list) names it; without a .cmd file, assume it does.
            # A whole kernel (an image) has users of the scope's headers
            # everywhere; drivers/iommu/ alone has them there only.
            top = self.path if self.recipe.image else self.path / "drivers" / "iommu"
            for obj in top.rglob("*.o"):
                cmd = obj.with_name(f".{obj.name}.cmd")
                try:
                    deps = cmd.read_text(errors="replace")
                except OSError:
                    deps = None
                if deps is None or any(names_header(deps, h) for h in headers):
                    victims.append(obj)
        for v in victims:
            v.unlink(missing_ok=True)

    # -- the checks ---------------------------------------------------------
    def fragment_wanted(self):
        wanted = {}
        for f in self.recipe.fragment_paths(self.arch):
            wanted.update(parse_config(f.read_text()))
        return wanted

    def config_fingerprint(self):
        """What the configuration is made of: a change configures afresh."""
        base = self.recipe.base_target(self.arch)
        h = hashlib.sha256()
        for part in (self.arch.name, base, self.arch.cross,
                     *(f.read_text() for f in self.recipe.fragment_paths(self.arch)),
                     *((self.tree / rel).read_text() if (self.tree / rel).is_file()
                       else "" for rel in self.recipe.base_files(self.arch))):
            h.update(part.encode() + b"\0")
        return h.hexdigest()

    def configure(self):
        """The recipe's base target + its fragments + olddefconfig unless
        already done; Result."""
        t0 = time.monotonic()
        fp = self.config_fingerprint()
        config = self.path / ".config"
        state = self.load_state()
        fresh = not (config.is_file() and state.get("config") == fp)
        if fresh:
            steps = [
                (self.make_argv(self.recipe.base_target(self.arch)), None),
                ([str(self.src / "scripts" / "kconfig" / "merge_config.sh"),
                  "-m", "-O", str(self.path), str(config),
                  *map(str, self.recipe.fragment_paths(self.arch))], self.path),
                (self.make_argv("olddefconfig"), None),
            ]
            for i, (argv, cwd) in enumerate(steps):
                rc, _, text = self.run(argv, "ipm-config.log", cwd=cwd,
                                       append=i > 0)
                if rc != 0:
                    return Result(False, time.monotonic() - t0,
                                  f"'{' '.join(argv[:1] + argv[-1:])}' failed",
                                  excerpt(text, self.src),
                                  self.path / "ipm-config.log", rc)
        wanted = self.fragment_wanted()
        bad = config_mismatches(wanted, parse_config(config.read_text()))
        if bad:
            self.save_state(config=None)
            return Result(False, time.monotonic() - t0,
                          f"{len(bad)} of {len(wanted)} options did not stick",
                          tuple(describe_mismatch(*b) for b in bad), config)
        self.save_state(config=fp)
        how = "configured" if fresh else "reused"
        return Result(True, time.monotonic() - t0,
                      f"{len(wanted)} options as wanted, {how}", (), config)

    def build(self, logname="ipm-build.log"):
        """make the recipe's targets (verify's: drivers/iommu/ with
        warnings as errors); Result."""
        targets = self.recipe.targets(self.arch)
        rc, secs, text = self.run(self.make_argv(*targets), logname)
        log = self.path / logname
        what = " ".join(targets) + (f" KCFLAGS={KCFLAGS}" if self.recipe.werror else "")
        if rc != 0:
            return Result(False, secs, f"make {what} failed",
                          excerpt(text, self.src), log, rc)
        return Result(True, secs, what, (), log)


def names_header(deps, rel):
    """Does a kbuild .cmd dependency list name the header REL (relative to
    the source tree)?  gcc writes paths as they were included, so
    'drivers/iommu/amd/../iommu-pages.h' names drivers/iommu/iommu-pages.h."""
    name = os.path.basename(rel)
    for path in re.findall(r"[^\s\\:]*" + re.escape(name), deps):
        path = os.path.normpath(path)
        if path == rel or path.endswith("/" + rel):
            return True
    return False


def orphans(recipe=VERIFY):
    """The build directories of RECIPE whose tree no longer exists: (path,
    the tree) for each.  One without a state file is left alone."""
    home = treemod.cache_root() / recipe.home
    if not home.is_dir():
        return []
    out = []
    for d in sorted(home.iterdir()):
        # LEGACY_STATE: runtime's build directories before BuildDir
        for name, field in ((STATE, "owner"), (LEGACY_STATE, "tree")):
            try:
                owner = json.loads((d / name).read_text()).get(field)
            except (OSError, ValueError):
                continue
            if owner and not (pathlib.Path(owner) / "Makefile").exists():
                out.append((d, owner))
            break
    return out


def remove(path):
    """Remove the build directory PATH unless a run is using it; removed?"""
    lockfile = path.with_name(path.name + ".lock")
    try:
        with lock(lockfile):
            shutil.rmtree(path, ignore_errors=True)
        lockfile.unlink(missing_ok=True)
        return True
    except ToolError:
        return False


def prune_orphans(say=None):
    """Remove verify's build directories of trees that no longer exist (a
    deleted working copy leaves about 10-15 MB per architecture).  A
    directory in use, or without a state file, is left alone."""
    n = sum(remove(d) for d, _ in orphans())
    if n and say:
        say(f"removed {n} build director{'y' if n == 1 else 'ies'} of trees "
            "that no longer exist")
    return n


def stale_files(recorded, current, built_at, mtime_ns):
    """Files whose content changed since the last build although their
    modification time is not newer than it: make would not rebuild them.
    A file that disappeared counts too (its object may be kept)."""
    out = []
    for rel, h in current.items():
        if recorded.get(rel) not in (None, h) and mtime_ns(rel) <= built_at:
            out.append(rel)
    # A file new to the scope with an old time: its object, if one exists
    # from an earlier life of the build directory, is not to be trusted.
    for rel in current:
        if recorded and rel not in recorded and mtime_ns(rel) <= built_at:
            out.append(rel)
    out += [rel for rel in recorded if rel not in current]
    return sorted(set(out))


# --- reporting -------------------------------------------------------------

def line(say, arch, check, res, extra=""):
    """Print with SAY the PASS/FAIL line of CHECK on ARCH from Result RES
    (its detail, then EXTRA), and under a FAIL the excerpt and the log."""
    verdict = "PASS" if res.ok else "FAIL"
    detail = res.detail + (f"; {extra}" if extra else "")
    say(f"{arch:<7} {check:<7} {verdict}  {res.seconds:6.1f} s"
        + (f"  ({detail})" if detail else ""))
    if not res.ok:
        for l in res.excerpt:
            say(f"    {l}")
        if res.log:
            say(f"    full log: {res.log}")


def default_base(tree, say):
    """The cached pristine Debian tree of the same major.minor version."""
    from . import bases
    version = treemod.kernel_version(tree)
    base = bases.pristine(".".join(version.split(".")[:2]), say)
    bv = treemod.kernel_version(base)
    if bv != version:
        say(f"note: base is Linux {bv}, the tree is Linux {version}: sparse "
            "warnings outside the migration may differ (give --base)")
    return base
