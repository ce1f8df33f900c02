"""One exception type for every user-facing failure, with its exit code."""

# Exit codes, documented in README.md ("Exit codes").  Each kind of bad
# input has its own code, so that scripts can tell them apart; 2 is what
# remains of "usage" (a bad option value such as an unknown step range).
EXIT_OK = 0
EXIT_FINDINGS = 1       # check found something / a step failed and was rolled back
EXIT_USAGE = 2          # bad option value: step range, planned step, --arch, version
EXIT_DIRTY = 3          # git tree with uncommitted changes in what the series touches
EXIT_BUSY = 4           # another run holds the tree's lock
EXIT_JOURNAL = 5        # an interrupted run left a journal: run 'restore'
EXIT_NO_PATH = 6        # KERNEL (or another path argument) does not exist
EXIT_NOT_DIR = 7        # KERNEL is a file, not a directory
EXIT_NOT_KERNEL = 8     # KERNEL is a directory but not a kernel tree with IOMMU code
EXIT_READ_ONLY = 9      # the tree (or the files to change) cannot be written
EXIT_UNSUPPORTED = 10   # a kernel without iommu-pages (e.g. 6.1)
EXIT_NO_TOOL = 11       # a program (spatch, patch, ...) or a build header is missing
EXIT_MANIFEST = 12      # series.toml is wrong: names a missing rule, bad entry;
                        # or a rule's computed prefilter is missing or broken
EXIT_MIXED = 13         # the tree has some steps applied but not as a prefix 1..k of the series
EXIT_HALF = 14          # a converted header with files of the scope still in the old state
EXIT_WRITE = 15         # writing into the tree failed (disk full, I/O error); put back and checked
EXIT_ODD_FILE = 16      # a symlink or a CRLF file in the scope: refused, not written through
EXIT_INTERNAL = 70      # an unexpected exception (a bug): one line, traceback saved
EXIT_IO = 74            # a file or directory could not be read or written: the
                        # cache (IPM_CACHE a file, read-only, full), an unreadable file
EXIT_INTERRUPTED = 130  # SIGINT/SIGTERM; the tree was put back


class ToolError(Exception):
    """An error reported to the user as one line, with an exit code."""

    def __init__(self, message, code=EXIT_USAGE):
        super().__init__(message)
        self.code = code


class Interrupted(ToolError):
    """Raised from the SIGINT/SIGTERM handler."""

    def __init__(self, signame):
        super().__init__(f"interrupted by {signame}", EXIT_INTERRUPTED)
        self.signame = signame
