"""One exception type for every user-facing failure, with its exit code."""

# Exit codes, documented in README.md.
EXIT_OK = 0
EXIT_FINDINGS = 1       # check found something / a step failed and was rolled back
EXIT_USAGE = 2          # bad input: path, range, unsupported base, missing tool
EXIT_DIRTY = 3          # git tree with uncommitted changes
EXIT_BUSY = 4           # another run holds the tree's lock
EXIT_JOURNAL = 5        # an interrupted run left a journal: run 'restore'
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
