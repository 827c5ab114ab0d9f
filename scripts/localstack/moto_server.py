"""Starts moto's server as a stand-in for LocalStack on one port (default 127.0.0.1:4566).

    python scripts/localstack/moto_server.py [--host 127.0.0.1] [--port 4566]

Known gaps of moto that this launcher fixes or works around (see terraform/README.md):

* moto gives every RDS instance the same DbiResourceId; the AWS provider (5.x) uses that id as the
  resource id, so two databases would read as one. Each instance gets its own id here.
* IAM's AWS-managed policies are only known to moto with MOTO_IAM_LOAD_MANAGED_POLICIES=true.

It prints "moto ready on http://HOST:PORT" once it answers and stops cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import string
import sys
import threading

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.rds import models as rds_models  # noqa: E402  (after the environment is set)
from moto.server import ThreadedMotoServer  # noqa: E402

_ALPHABET = string.ascii_uppercase + string.digits


def _patch_rds_resource_id() -> None:
    """Give each moto DBInstance its own DbiResourceId (moto hard-codes one for all)."""
    original_init = rds_models.DBInstance.__init__
    if getattr(original_init, "_pms_patched", False):
        return

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = "db-" + "".join(secrets.choice(_ALPHABET) for _ in range(26))

    init._pms_patched = True  # type: ignore[attr-defined]
    rds_models.DBInstance.__init__ = init  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("MOTO_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTO_PORT", "4566")))
    args = parser.parse_args()

    _patch_rds_resource_id()
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    print(f"moto ready on http://{args.host}:{args.port}", flush=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
