"""Run apply-series.py with a pause between two files of its swap.

  pause_swap.py SECONDS PROJECT/scripts/apply-series.py ARGS...

The interruption tests start the tool through this launcher so that a
signal can reach a run in the middle of its swap: it sets the hook
ipm.tree.between_files of the project's own ipm package, then runs the
script as the main program with ARGS."""

import pathlib
import runpy
import sys
import time

seconds, script = float(sys.argv[1]), sys.argv[2]
sys.path.insert(0, str(pathlib.Path(script).resolve().parent))
from ipm import tree  # noqa: E402  (from the project under test)

tree.between_files = lambda: time.sleep(seconds)
sys.argv = [script, *sys.argv[3:]]
runpy.run_path(script, run_name="__main__")
