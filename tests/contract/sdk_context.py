"""What every part of the SDK contract test shares: the lab's connection, one credential
against the lab's authority, the management clients built for the lab's cloud, and the
names the seeds give (examples/alerts/keyvault-tor.json, arm-microburst-export.json)."""

import inspect
import os

from azure.identity import ClientSecretCredential
from azure.identity._internal.msal_credentials import MsalCredential

# The Key Vault incident (keyvault-tor.json).
VAULT_GROUP = "rg-payments-prod"
VAULT = "kv-payments-prod"
VAULT_ATTACKER = "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"
STOLEN_SECRET = "db-password"
# The Resource Manager incident (arm-microburst-export.json).
RM_ATTACKER = "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f"
VM_GROUP = "rg-batch-tmp"
VM = "gpu-node-7"
AUTOMATION_GROUP = "rg-automation"
AUTOMATION_ACCOUNT = "aa-operations"
PLANTED_RUNBOOK = "Update-ModuleCache"


def _instance_discovery_off():
    """The keyword that stops MSAL asking login.microsoftonline.com about the lab's
    authority: `instance_discovery=False` in azure-identity 1.13 betas,
    `disable_instance_discovery=True` from 1.13.0 on."""
    if "instance_discovery" in inspect.signature(MsalCredential.__init__).parameters:
        return {"instance_discovery": False}
    return {"disable_instance_discovery": True}


class Context:
    def __init__(self, connection, ledger):
        self.connection = connection
        self.ledger = ledger
        self.call = ledger.call
        self.refused = ledger.refused
        endpoints = connection["cloud"]["endpoints"]
        self.base = endpoints["resourceManager"].rstrip("/")
        self.authority = endpoints["activeDirectory"].rstrip("/")
        self.arm_scope = endpoints["activeDirectoryResourceId"].rstrip("/") + "/.default"
        self.tenant = connection["tenantId"]
        self.subscription = connection["subscriptionId"]
        self.ca = connection["caCertificate"]
        # requests (under azure-core and adal) trusts the lab's CA through this.
        os.environ["REQUESTS_CA_BUNDLE"] = self.ca
        self.credential = ClientSecretCredential(
            self.tenant, connection["clientId"], connection["clientSecret"],
            authority=self.authority, connection_verify=self.ca, **_instance_discovery_off())
        # Short timeouts: a lab that stops answering fails the test in seconds, not minutes.
        self.transport = {"connection_verify": self.ca, "connection_timeout": 10,
                          "read_timeout": 30}
        self.options = {"base_url": self.base, "credential_scopes": [self.arm_scope],
                        "polling_interval": 0, **self.transport}

    def sub_id(self):
        return "/subscriptions/" + self.subscription.lower()

    def group_id(self, group):
        return self.sub_id() + "/resourceGroups/" + group

    def client(self, cls, **extra):
        """A management client of the lab's cloud and subscription."""
        return cls(self.credential, self.subscription, **self.options, **extra)


def expect(condition, message):
    """Raises AssertionError(message) unless `condition`."""
    if not condition:
        raise AssertionError(message)
