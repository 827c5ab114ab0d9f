"""Starts moto's server as a stand-in for LocalStack on one port (default 127.0.0.1:4566).

    python scripts/localstack/moto_server.py [--host 127.0.0.1] [--port 4566]

Known gaps of moto that this launcher fixes or works around (see docs/operations.md and docs/decisions/moto-for-tflocal.md):

* moto gives every RDS instance the same DbiResourceId; the AWS provider (5.x) uses that id as the
  resource id, so two databases would read as one. Each instance gets its own id here.
* moto's CreateService forgets settings that UpdateService keeps (health check grace period,
  availability zone rebalancing, deployment configuration, ...), so the next plan would want to
  change them again. They are kept here, as AWS does.
* moto drops the description of a security group rule that references another group (it keeps
  only those of CIDR rules), so the next plan would want to set it again. It is returned here.
* moto's CreateLoadBalancer stores no scheme when none is sent; AWS makes the load balancer
  internet-facing, as here.
* IAM's AWS-managed policies are only known to moto with MOTO_IAM_LOAD_MANAGED_POLICIES=true.
* A security group rule authorised again with the very same settings (what an SDK retry sends when
  the first answer was lost) is answered "InvalidPermission.Duplicate", which fails terraform's
  apply now and then. Here it is answered with the rule that exists, as the first call would have
  been. Any other authorisation is handled as moto handles it.

Not fixable here (handled in terraform/ and the deploy test): MSK clusters never become active
(enable_msk = false), ECS tasks never run (no steady-state waits).

It prints "moto ready on http://HOST:PORT" once it answers and stops cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import inspect
import os
import secrets
import signal
import string
import sys
import threading
from typing import Any

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.core.utils import camelcase_to_underscores  # noqa: E402
from moto.ec2.exceptions import InvalidPermissionDuplicateError  # noqa: E402
from moto.ec2.models import security_groups as ec2_security_groups  # noqa: E402
from moto.ecs import responses as ecs_responses  # noqa: E402
from moto.elbv2 import models as elbv2_models  # noqa: E402
from moto.rds import models as rds_models  # noqa: E402  (after the environment is set)
from moto.server import ThreadedMotoServer  # noqa: E402

_ALPHABET = string.ascii_uppercase + string.digits

# CreateService parameters moto ignores but AWS returns from DescribeServices.
_ECS_SERVICE_SETTINGS = (
    "availabilityZoneRebalancing",
    "deploymentConfiguration",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "healthCheckGracePeriodSeconds",
)


_PATCHED: set[tuple[Any, str]] = set()


def _patched(owner: Any, name: str, wrap: Any) -> None:
    """Replace owner.name by wrap(original), once."""
    if (owner, name) in _PATCHED:
        return
    _PATCHED.add((owner, name))
    setattr(owner, name, wrap(owner.__dict__[name]))


def _patch_rds_resource_id() -> None:
    """Give each moto DBInstance its own DbiResourceId (moto hard-codes one for all)."""

    def wrap(original_init: Any) -> Any:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original_init(self, *args, **kwargs)
            self.dbi_resource_id = "db-" + "".join(secrets.choice(_ALPHABET) for _ in range(26))

        return init

    _patched(rds_models.DBInstance, "__init__", wrap)


def _patch_ecs_create_service() -> None:
    """Keep the CreateService settings moto drops (UpdateService already keeps them)."""

    def wrap(original: Any) -> Any:
        def create_service(self: Any) -> Any:
            result = original(self)
            service = result.result["service"]
            for key in _ECS_SERVICE_SETTINGS:
                value = self._get_param(key)
                if value is not None:
                    setattr(service, camelcase_to_underscores(key), value)
            return result

        return create_service

    _patched(ecs_responses.EC2ContainerServiceResponse, "create_service", wrap)


def _patch_security_group_rule_description() -> None:
    """Return the description of rules that reference a security group, not only CIDR rules."""

    def wrap(original: Any) -> Any:
        def description(self: Any) -> str | None:
            own = original.fget(self)
            return own if own is not None else self.source_group.get("Description")

        return property(description)

    _patched(ec2_security_groups.SecurityGroupRule, "description", wrap)


def _patch_repeated_authorize() -> None:
    """Answer a repeated, identical AuthorizeSecurityGroup{Ingress,Egress} with the existing rules."""

    def wrap(original: Any, egress: bool) -> Any:
        signature = inspect.signature(original)

        def authorize(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return original(self, *args, **kwargs)
            except InvalidPermissionDuplicateError:
                call = signature.bind(self, *args, **kwargs)
                call.apply_defaults()
                a = call.arguments
                group = self.get_security_group_by_name_or_id(a["group_name_or_id"], a["vpc_id"])
                if group is None or (a["ip_ranges"] and not isinstance(a["ip_ranges"], list)):
                    raise
                existing = group.egress_rules if egress else group.ingress_rules
                wanted = self._iterate_security_rules(
                    a["ip_protocol"], group.group_id, a["from_port"], a["to_port"], a["ip_ranges"],
                    self._add_source_group(a["source_groups"], a["vpc_id"]),
                    a["prefix_list_ids"] or [], is_egress=egress, tags=a["sgrule_tags"] or {},
                )
                same = []
                for rule in wanted:
                    match = next((old for old in existing if rule == old), None)
                    if match is None or match.description != rule.description:
                        raise
                    same.append(match)
                return same, group

        return authorize

    backend = ec2_security_groups.SecurityGroupBackend
    _patched(backend, "authorize_security_group_ingress", lambda f: wrap(f, False))
    _patched(backend, "authorize_security_group_egress", lambda f: wrap(f, True))


def _patch_load_balancer_scheme() -> None:
    """A load balancer created without a scheme is internet-facing (AWS's default)."""

    def wrap(original: Any) -> Any:
        def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("scheme") is None:
                kwargs["scheme"] = "internet-facing"
            return original(self, *args, **kwargs)

        return create_load_balancer

    _patched(elbv2_models.ELBv2Backend, "create_load_balancer", wrap)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("MOTO_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTO_PORT", "4566")))
    args = parser.parse_args()

    _patch_rds_resource_id()
    _patch_ecs_create_service()
    _patch_security_group_rule_description()
    _patch_load_balancer_scheme()
    _patch_repeated_authorize()
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
