"""Configuration: arguments, then environment variables, then a profile of the config file.

`agentplatform configure --profile NAME` writes profiles; this script writes a
throwaway config file itself and points AGENTPLATFORM_CONFIG_FILE at it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import agentplatform as ap


def main() -> None:
    url = os.environ["AGENTPLATFORM_BASE_URL"]
    key = os.environ["AGENTPLATFORM_API_KEY"]
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text(
            f'[profiles.local]\napi_key = "{key}"\nbase_url = "{url}"\ntimeout = 15\n'
            '[profiles.slow]\napi_key = "sk_unused"\nbase_url = "http://127.0.0.1:9"\n'
            "max_retries = 5\n"
        )
        config.chmod(0o600)

        with ap.Client(profile="local", config_file=config) as client:
            print(f"profile 'local': {client.settings.timeout} s timeout, health")
            print(f"  {client.health().status}")

        os.environ.pop("AGENTPLATFORM_API_KEY")
        os.environ.pop("AGENTPLATFORM_BASE_URL")
        os.environ["AGENTPLATFORM_CONFIG_FILE"] = str(config)
        os.environ["AGENTPLATFORM_PROFILE"] = "slow"
        with ap.Client() as client:
            print(f"AGENTPLATFORM_PROFILE=slow: {client.settings.max_retries} retries")

        os.environ["AGENTPLATFORM_TIMEOUT"] = "3"
        with ap.Client(max_retries=0) as client:
            timeout, retries = client.settings.timeout, client.settings.max_retries
            print(f"env and arguments win: timeout={timeout}, retries={retries}")
            print(f"the key never shows: {client!r}")

        try:
            ap.Client(profile="missing")
        except ap.ConfigurationError as error:
            print(f"ConfigurationError: {error}")


if __name__ == "__main__":
    main()
