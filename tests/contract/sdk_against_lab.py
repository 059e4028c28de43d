"""Contract test: Microsoft's Python SDK (Debian's python3-azure, generated from Azure's REST
specs) drives `dftriage lab serve` through every call the playbooks make, and checks that
the lab's state changes as Azure's would.

    sdk_against_lab.py DFTRIAGE_BINARY SOURCE_DIR

Exits 0 when every call behaves as Azure does, 1 otherwise, 77 (skipped) without the SDK.
The calls live in sdk_calls_*.py, one file per area; this file wires them together.
"""

import logging
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sdk_lab_support import Lab, Ledger, confine_to_loopback, skip  # noqa: E402

try:
    import azure.identity  # noqa: F401
    import azure.keyvault.secrets  # noqa: F401
    import azure.mgmt.authorization  # noqa: F401
    import azure.mgmt.automation  # noqa: F401
    import azure.mgmt.compute  # noqa: F401
    import azure.mgmt.keyvault  # noqa: F401
    import azure.mgmt.monitor  # noqa: F401
    import azure.mgmt.network  # noqa: F401
    import azure.mgmt.resource  # noqa: F401
    import azure.mgmt.security  # noqa: F401
except ImportError as error:
    skip("Microsoft's Python SDK is not installed (apt-get install python3-azure): %s" % error)

import sdk_calls_access  # noqa: E402
import sdk_calls_compute  # noqa: E402
import sdk_calls_identity  # noqa: E402
import sdk_calls_keyvault  # noqa: E402
import sdk_calls_network  # noqa: E402
import sdk_calls_rest  # noqa: E402
from sdk_context import Context  # noqa: E402


def main():
    if len(sys.argv) != 3:
        print("usage: sdk_against_lab.py DFTRIAGE_BINARY SOURCE_DIR", file=sys.stderr)
        return 2
    binary, source = sys.argv[1], sys.argv[2]
    confine_to_loopback()
    # The SDK's deserializers warn about fields they do not know (the assessments'
    # resourceDetails as Azure spells it, read-only certificate attributes): noise here.
    logging.basicConfig(level=logging.ERROR)
    ledger = Ledger()
    with tempfile.TemporaryDirectory(prefix="dftriage-sdk-") as work:
        # The Resource Manager alert first: its export names the subscription in upper
        # case (/SUBSCRIPTIONS/4C1A...), as Defender's exports do.
        seeds = [os.path.join(source, "examples/alerts", name)
                 for name in ("arm-microburst-export.json", "keyvault-tor.json")]
        try:
            lab = Lab(binary, seeds, work)
        except RuntimeError as error:
            print("FAIL: %s" % error)
            return 1
        try:
            ctx = Context(lab.connection, ledger)
            sdk_calls_identity.run(ctx)
            sdk_calls_keyvault.run(ctx)
            sdk_calls_access.run(ctx)
            # The seeded VM has no NSG at all: its management ports are open.
            sdk_calls_rest.assessment(ctx, "Unhealthy", "no NSG")
            sdk_calls_network.run(ctx)
            sdk_calls_rest.assessment(ctx, "Healthy", "isolation NSG on its NIC")
            sdk_calls_compute.run(ctx)
            sdk_calls_network.delete_nsg(ctx)
            sdk_calls_rest.run(ctx)
        finally:
            lab.stop()
        elsewhere = [u for u in lab.recorded_urls()
                     if not u.startswith(ctx.base + "/") and ".vault.localhost:" not in u]
        print("the SDK sent %d requests to the lab" % len(lab.recorded_urls()))
        if elsewhere:
            print("FAIL: requests went elsewhere: %s" % elsewhere[:3])
            return 1
    return 0 if ledger.summary() else 1


if __name__ == "__main__":
    sys.exit(main())
