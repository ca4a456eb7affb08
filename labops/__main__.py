"""``python -m labops``: the command line, as the ``labops`` command runs it.

The CLI is the layer above labops and the TUI (``labops_cli``), so this entry point hands
over to it by name: labops itself never imports what sits above it.
"""

import runpy

runpy.run_module("labops_cli", run_name="__main__", alter_sys=True)
