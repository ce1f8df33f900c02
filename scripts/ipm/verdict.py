"""What the 'make runtime' guest prints, and the verdict of one boot.

parse_guest(console)
  The 'IPM event key=value ...' lines guest/ipm-init.sh prints on the
  console, as [(event, {key: value})]; console_lines(console) is the
  console without carriage returns and printk times.

evaluate(sc, events, console, disk_tail_sha)
  The problems of one boot of scenario SC (only SC's iommu, strict and
  domain_type are read: a runtime.Scenario, which this module does not
  import), the guest's results that must be identical between base and
  migrated, and the page figures.  A boot PASSes when the guest read the
  disk's known content and wrote and read back a fresh pattern with
  O_DIRECT through a translated domain (the group type is DMA in strict
  mode, DMA-FQ in lazy mode) at boot and after every rebuild of the
  domain; the host finds the guest's last pattern on the disk
  (DISK_TAIL_SHA, the sha256 of the disk's second half after the boot);
  the console shows no IOMMU fault, warning or oops; and the IOMMU page
  counters of /proc/vmstat (nr_iommu_pages and nr_sec_page_table_pages)
  are back exactly at their starting value after each teardown of the
  domain, were higher while it was mapped, and moved together.  The
  starting value is taken after the first teardown: by then the one-time
  structures that the first attach allocates and keeps (VT-d context
  tables, for instance) exist, so what comes and goes afterwards is the
  domain's page tables alone.  A teardown is: unbind the virtio PCI
  driver, switch the group to identity (which frees the DMA domain); a
  rebuild: switch back to the DMA type, bind.  Boot is the record of one
  boot that runtime.boot() returns.

evaluate_sanitizers(console, events, iommu_symbols)
  The sanitizer variant (make runtime SANITIZE=1): a boot then also
  needs no KASAN/DEBUG_VM/BUG/WARN report on the console (the first one
  is named in the verdict line), both io-pgtable self-tests' pass lines
  (quoted under the verdict), and a kmemleak scan at the end whose
  reports name no function of the build's drivers/iommu objects, which
  iommu_symbols(obj, arch) lists (with ARCH's nm: only arch.cross is
  read) and keeps in OBJ/ipm-iommu-symbols.txt."""

import dataclasses
import pathlib
import re

from . import procs

IOMMU_SYMBOLS = "ipm-iommu-symbols.txt"   # in the build directory

# What /sys/class/iommu calls the units of each emulated IOMMU.
IOMMU_CLASS = {"intel": "dmar", "amd": "ivhd", "smmuv3": "smmu3"}

# AMD-Vi turns lazy mode into strict when the IOMMU caches non-present
# entries (NpCache: it runs under a hypervisor, as QEMU's amd-iommu says):
# the boot domain is then DMA even with iommu.strict=0, and the guest asks
# for DMA-FQ through sysfs on each rebuild.
FORCED_STRICT = re.compile(r"Using strict mode due to virtualization")

# Console lines that mean DMA went wrong or the kernel complained.
BAD_CONSOLE = re.compile(
    r"DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|IO_PAGE_FAULT|"
    r"INVALID_DEVICE_REQUEST|arm-smmu-v3 .*event 0x|Unhandled context fault|"
    r"WARNING: CPU|BUG: |Oops|Kernel panic|Call Trace|I/O error|"
    r"kernel BUG|general protection fault")


# --- the guest's output --------------------------------------------------------

_IPM = re.compile(r"^IPM (\S+)(.*)$")


def parse_guest(console):
    """[(event, {key: value})] from the guest's 'IPM event k=v ...' lines."""
    out = []
    for raw in console.splitlines():
        m = _IPM.match(raw.strip().replace("\r", ""))
        if not m:
            continue
        kv = {}
        for tok in m.group(2).split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                kv[k] = v
        out.append((m.group(1), kv))
    return out


_STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s*")


def console_lines(console):
    """The console's lines without carriage returns and printk times."""
    return [_STAMP.sub("", l.replace("\r", "").strip())
            for l in console.splitlines()]


# --- the verdict of one boot ---------------------------------------------------

@dataclasses.dataclass
class Boot:
    ok: bool
    seconds: float
    problems: list
    results: tuple = ()        # what must be identical between kernels
    figures: dict = dataclasses.field(default_factory=dict)
    log: pathlib.Path = None
    quotes: list = dataclasses.field(default_factory=list)


def evaluate(sc, events, console, disk_tail_sha):
    """Problems (strings) of one boot, the comparable results, the figures."""
    problems = []
    by = {}
    for ev, kv in events:
        by.setdefault(ev, []).append(kv)
    if "start" not in by:
        problems.append("the guest did not start (no 'IPM start' on the console)")
        return problems, (), {}
    if "end" not in by:
        problems.append("the guest did not finish (no 'IPM end')")
    for kv in by.get("error", []):
        problems.append(f"guest error: {kv.get('msg', '?').replace('_', ' ')}")
    for kv in by.get("warn", []):
        problems.append(f"guest: {kv.get('msg', '?').replace('_', ' ')}")
    names = (by.get("iommus") or [{}])[0].get("names", "")
    if not any(n.startswith(IOMMU_CLASS[sc.iommu]) for n in names.split(",") if n):
        problems.append(f"no {IOMMU_CLASS[sc.iommu]}* unit in /sys/class/iommu "
                        f"(found {names or 'none'})")
    results = []
    io = {kv.get("phase"): kv for kv in by.get("io", [])}
    for phase in ("boot", "up1", "up2", "final"):
        kv = io.get(phase)
        if kv is None:
            problems.append(f"no I/O in phase {phase}")
            results.append((phase, "missing"))
            continue
        r = (phase, kv.get("read"), kv.get("write"), kv.get("type"))
        results.append(r)
        if kv.get("read") != "ok":
            problems.append(f"{phase}: reading the known disk content gave the "
                            f"wrong checksum ({kv.get('read')})")
        if kv.get("write") != "ok":
            problems.append(f"{phase}: the pattern written did not read back "
                            f"({kv.get('write')})")
        want = sc.domain_type
        if phase == "boot" and not sc.strict and FORCED_STRICT.search(console):
            want = "DMA"
        if kv.get("type") != want:
            problems.append(f"{phase}: domain type {kv.get('type')}, expected "
                            f"{want} (translated, "
                            f"{'strict' if sc.strict else 'lazy'})")
    for kv in by.get("state", []):
        results.append((kv.get("phase"), kv.get("type"), kv.get("driver", "")))
        if kv.get("type") != "identity" or kv.get("driver"):
            problems.append(f"{kv.get('phase')}: teardown left type "
                            f"{kv.get('type')} driver {kv.get('driver') or '-'}")
    final = io.get("final", {})
    if final and disk_tail_sha != final.get("wrote"):
        problems.append("the disk on the host does not hold the guest's last "
                        "pattern: the write did not reach the device")
    vm = {kv.get("phase"): kv for kv in by.get("vmstat", [])}
    figures = {}
    try:
        for ph in ("boot", "down0", "up1", "down1", "up2", "down2"):
            figures[ph] = (int(vm[ph]["iommu"]), int(vm[ph]["sec"]))
    except (KeyError, ValueError):
        problems.append("vmstat figures missing: nr_iommu_pages / "
                        "nr_sec_page_table_pages not in /proc/vmstat?")
    else:
        a0 = figures["down0"]
        for ph in ("down1", "down2"):
            if figures[ph] != a0:
                problems.append(
                    f"leak: after teardown {ph} nr_iommu_pages={figures[ph][0]} "
                    f"nr_sec_page_table_pages={figures[ph][1]}, started at "
                    f"{a0[0]} / {a0[1]}")
        for ph in ("up1", "up2"):
            d = (figures[ph][0] - a0[0], figures[ph][1] - a0[1])
            if d[0] <= 0 or d[1] <= 0:
                problems.append(f"{ph}: no page-table pages accounted while "
                                f"mapped (delta {d[0]} / {d[1]})")
            elif d[0] != d[1]:
                problems.append(f"{ph}: the two counters moved apart "
                                f"(nr_iommu_pages +{d[0]}, "
                                f"nr_sec_page_table_pages +{d[1]})")
    for l in console.splitlines():
        if BAD_CONSOLE.search(l):
            problems.append(f"console: {l.strip()[:160]}")
            break
    return problems, tuple(results), figures


# --- the sanitizer variant (make runtime SANITIZE=1) ---------------------------
# The first line of each report: KASAN, DEBUG_VM (VM_BUG_ON_* dumps the
# page, then BUGs; a bad page state), a fault on a page DEBUG_PAGEALLOC
# unmapped, any other BUG or WARN, and the panic they end in
# (panic_on_warn=1 on the command line turns a KASAN report or a WARN
# into a panic, so the boot stops at the first one).
SANITIZER_REPORT = re.compile(
    r"BUG: KASAN: .*|BUG: Bad page .*|page dumped because: .*|"
    r"kernel BUG at .*|BUG: unable to handle .*|BUG: .*|WARNING: CPU: .*|"
    r"general protection fault.*|Kernel panic - not syncing: .*")
# The io-pgtable self-tests' own last lines.  A failing check WARNs (and
# the LPAE summary counts it).
SELFTESTS = (
    ("LPAE", re.compile(r"arm-lpae io-pgtable: selftest: completed with "
                        r"(\d+) PASS (\d+) FAIL")),
    ("ARMv7s", re.compile(r"arm-v7s io-pgtable: self test ok")),
)
_LEAK_FRAME = re.compile(r"\]\s+([A-Za-z_][\w.]*)\+0x")


def sanitizer_reports(console):
    """Every sanitizer/BUG/WARN report line on the console, in order."""
    return [l for l in console_lines(console) if SANITIZER_REPORT.match(l)]


def leak_reports(console):
    """kmemleak's reports as the guest printed them (IPMLEAK lines): one
    list of lines per 'unreferenced object'."""
    reports = []
    for l in console.splitlines():
        l = l.replace("\r", "")
        if not l.startswith("IPMLEAK "):
            continue
        l = l[len("IPMLEAK "):]
        if l.startswith("unreferenced object"):
            reports.append([l])
        elif reports:
            reports[-1].append(l)
    return reports


def evaluate_sanitizers(console, events, iommu_symbols):
    """The sanitizer variant's problems of one boot (sanitizer reports
    first, so that the verdict line names the first one) and the
    self-tests' pass lines to quote."""
    problems = []
    reports = sanitizer_reports(console)
    if reports:
        first = reports[0]
        nxt = next((r for r in reports[1:] if r != first), None)
        problems.append(f"sanitizer: {first}" + (f" / {nxt}" if nxt else ""))
    lines = console_lines(console)
    quotes = []
    for name, rx in SELFTESTS:
        m = next((rx.search(l) for l in lines if rx.search(l)), None)
        if m is None:
            problems.append(f"self-test {name}: no pass line ('{rx.pattern}')")
            continue
        quotes.append(m.group(0))
        if m.groups() and int(m.group(2)) != 0:
            problems.append(f"self-test {name} failed: {m.group(0)}")
    scans = [kv for ev, kv in events if ev == "kmemleak"]
    leaks = leak_reports(console)
    ours = [r for r in leaks
            if any(f in iommu_symbols for l in r for f in _LEAK_FRAME.findall(l))]
    if not scans:
        problems.append("kmemleak: the guest did not scan (no 'IPM kmemleak')")
    elif ours:
        frames = [f for l in ours[0] for f in _LEAK_FRAME.findall(l)
                  if f in iommu_symbols]
        problems.append(f"kmemleak: {len(ours)} leak report(s) from drivers/iommu, "
                        f"first: {ours[0][0].strip()} allocated in {frames[0]}")
    if scans:
        quotes.append(f"kmemleak: {len(leaks)} report(s), "
                      f"{len(ours)} from drivers/iommu")
    return problems, quotes


def iommu_symbols(obj, arch):
    """The functions defined in the build's drivers/iommu objects (what a
    kmemleak backtrace must name to be attributed to drivers/iommu)."""
    path = obj / IOMMU_SYMBOLS
    if path.is_file():
        return set(path.read_text().split())
    objs = sorted(str(o) for o in (obj / "drivers" / "iommu").rglob("*.o"))
    names = set()
    if objs:
        p = procs.run([f"{arch.cross}nm", "--defined-only", *objs],
                      capture_output=True, text=True)
        for l in p.stdout.splitlines():
            f = l.split()
            if len(f) == 3 and f[1] in "tTW":
                names.add(f[2])
    path.write_text("\n".join(sorted(names)) + "\n")
    return names
