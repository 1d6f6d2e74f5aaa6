"""`python -m agentplatform_sandbox`."""

from agentplatform_sandbox.cli import main

if __name__ == "__main__":
    main()
