#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the runtime test guest (make runtime, scripts/ipm/runtime.py).
#
# Runs under busybox in the initramfs.  Does DMA through the IOMMU with the
# virtio-blk disk the host attached behind it, tears the device's DMA
# domain down and builds it again, and prints what it saw as lines
#   IPM <event> key=value ...
# that the host parses; the host decides PASS or FAIL.  The expected
# checksum of the disk's first half comes from the kernel command line
# (ipm.sha=HEX ipm.half=BYTES).  Always powers off at the end.

/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

say() { echo "IPM $*"; }
die() { say "error msg=$(echo "$*" | tr ' ' '_')"; say end; poweroff -f; }

arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }
SHA=$(arg ipm.sha)
HALF=$(arg ipm.half)
BS=65536
N=$((HALF / BS))
say start kernel=$(uname -r) arch=$(uname -m)
say cmdline $(tr ' ' '\n' </proc/cmdline | grep -E '^(iommu|intel_iommu|amd_iommu)' | tr '\n' ' ')
say iommus names=$(ls /sys/class/iommu 2>/dev/null | tr '\n' ',')

# The virtio PCI function whose virtio device is the disk.
BDF=
for d in /sys/bus/pci/drivers/virtio-pci/0*; do
	[ -e "$d" ] || continue
	for v in "$d"/virtio*; do
		[ -d "$v/block" ] && BDF=$(basename "$d")
	done
done
[ -n "$BDF" ] || die "no virtio-blk PCI device bound to virtio-pci"
DEV=/sys/bus/pci/devices/$BDF
DRV=/sys/bus/pci/drivers/virtio-pci
[ -e "$DEV/iommu_group" ] || die "device $BDF has no IOMMU group"
GRP=$(basename "$(readlink "$DEV/iommu_group")")
GTYPE=$(cat "$DEV/iommu_group/type")
say device bdf=$BDF group=$GRP type=$GTYPE
# The domain type the rebuilds ask for: DMA in strict mode, DMA-FQ (flush
# queue) in lazy mode.  A driver may overrule lazy mode at boot (AMD-Vi
# does when the IOMMU says it runs under a hypervisor); the sysfs request
# still gets a flush-queue domain, so lazy freeing is exercised anyway.
WANT=DMA
[ "$(arg iommu.strict)" = 0 ] && WANT=DMA-FQ
[ "$GTYPE" != "$WANT" ] && say note msg=booted_with_${GTYPE}_rebuilds_ask_for_$WANT

disk() {
	for b in "$DEV"/virtio*/block/*; do
		[ -e "$b" ] && { echo "/dev/$(basename "$b")"; return; }
	done
}

refresh() { echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null; }
vmstat() {
	refresh
	say vmstat phase=$1 \
	    iommu=$(sed -n 's/^nr_iommu_pages //p' /proc/vmstat) \
	    sec=$(sed -n 's/^nr_sec_page_table_pages //p' /proc/vmstat)
}

# Read the known first half with O_DIRECT, write a fresh pattern to the
# second half with O_DIRECT and read it back the same way (the page cache
# is dropped too, so every byte crosses the IOMMU).
io() {
	phase=$1
	i=0
	while [ -z "$(disk)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	B=$(disk)
	[ -n "$B" ] || { say io phase=$phase read=nodisk write=nodisk; return; }
	echo 3 >/proc/sys/vm/drop_caches
	got=$(dd if=$B bs=$BS count=$N iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$SHA" ] && r=ok || r=bad
	dd if=/dev/urandom of=/tmp/pat bs=$BS count=$N 2>/dev/null
	want=$(sha256sum </tmp/pat | cut -d' ' -f1)
	dd if=/tmp/pat of=$B bs=$BS seek=$N count=$N oflag=direct conv=fsync 2>/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	back=$(dd if=$B bs=$BS skip=$N count=$N iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$back" = "$want" ] && w=ok || w=bad
	say io phase=$phase disk=$(basename $B) read=$r write=$w wrote=$want \
	    type=$(cat "$DEV/iommu_group/type")
}

unbind() { echo "$BDF" >$DRV/unbind || say warn msg=unbind_failed; }
bind() { echo "$BDF" >$DRV/bind || say warn msg=bind_failed; }
# The DMA domain (and its page tables) is freed when the group's default
# domain changes, which the kernel allows only while no driver is bound.
teardown() {
	unbind
	echo identity >"$DEV/iommu_group/type" || say warn msg=identity_failed
	say state phase=$1 type=$(cat "$DEV/iommu_group/type") \
	    driver=$(basename "$(readlink "$DEV/driver" 2>/dev/null)" 2>/dev/null)
}
rebuild() {
	echo "$WANT" >"$DEV/iommu_group/type" || say warn msg=retype_failed
	bind
}

# kmemleak (the sanitizer variant of make runtime): two scans, the second
# after the objects of the test are older than kmemleak's minimum age
# (5 s), then every report, one line each as "IPMLEAK <line>".
leaks() {
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	K=/sys/kernel/debug/kmemleak
	[ -e $K ] || return 0
	echo scan >$K
	sleep 6
	echo scan >$K
	n=$(grep -c '^unreferenced object' $K)
	say kmemleak scans=2 reports=$n
	sed 's/^/IPMLEAK /' $K
}

io boot
vmstat boot
teardown down0
vmstat down0
for c in 1 2; do
	rebuild
	io up$c
	vmstat up$c
	teardown down$c
	vmstat down$c
done
rebuild
io final
leaks
say end
poweroff -f
