"""`python -m agentplatform_sandbox`."""

import sys

from agentplatform_sandbox.cli import main
from agentplatform_sandbox.datadir import DataDirError

if __name__ == "__main__":
    try:
        main()
    except DataDirError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
