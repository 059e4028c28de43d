"""Key Vault: the vault through azure-mgmt-keyvault (get, firewall, access policies) and
its secrets through azure-keyvault-secrets, with the Key Vault challenge verified as the
SDK does by default (`verify_challenge_resource=True`: the resource the 401 names must be
the domain the vault's host ends with)."""

from urllib.parse import urlparse

from azure.keyvault.secrets import SecretClient
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.keyvault.models import (AccessPolicyEntry, IPRule, NetworkRuleSet, Permissions,
                                        VaultAccessPolicyParameters,
                                        VaultAccessPolicyProperties, VaultPatchParameters,
                                        VaultPatchProperties)

import sdk_calls_keyvault_objects
from sdk_context import STOLEN_SECRET, VAULT, VAULT_ATTACKER, VAULT_GROUP, expect


def _firewall(ctx, kv, ip_rules, action):
    patch = VaultPatchParameters(properties=VaultPatchProperties(network_acls=NetworkRuleSet(
        bypass="AzureServices", default_action=action,
        ip_rules=[IPRule(value=v) for v in ip_rules])))

    def applied(vault):
        acls = vault.properties.network_acls
        expect(acls.default_action == action, "defaultAction %r" % acls.default_action)
        got = sorted(r.value for r in acls.ip_rules or [])
        expect(got == sorted(ip_rules), "ipRules %s" % got)

    return ctx.call("keyvault vaults.update networkAcls %s %s" % (action, ip_rules),
                    lambda: kv.vaults.update(VAULT_GROUP, VAULT, patch), applied)


def _policy(ctx, kv, operation, permissions):
    entry = AccessPolicyEntry(tenant_id=ctx.tenant, object_id=VAULT_ATTACKER,
                              permissions=permissions)
    parameters = VaultAccessPolicyParameters(
        properties=VaultAccessPolicyProperties(access_policies=[entry]))
    return kv.vaults.update_access_policy(VAULT_GROUP, VAULT, operation, parameters)


def _holders(kv):
    vault = kv.vaults.get(VAULT_GROUP, VAULT)
    return {p.object_id: p.permissions for p in vault.properties.access_policies}


def management(ctx):
    kv = ctx.client(KeyVaultManagementClient)
    vault_id = ctx.group_id(VAULT_GROUP) + "/providers/Microsoft.KeyVault/vaults/" + VAULT

    def vault_ok(vault):
        expect(vault.id == vault_id, "id %r, Azure gives %r" % (vault.id, vault_id))
        expect(urlparse(vault.properties.vault_uri).hostname == VAULT + ".vault.localhost",
               "vaultUri %r" % vault.properties.vault_uri)
        expect(any(p.object_id == VAULT_ATTACKER for p in vault.properties.access_policies),
               "the attacker's access policy is missing")

    vault = ctx.call("keyvault vaults.get", lambda: kv.vaults.get(VAULT_GROUP, VAULT), vault_ok)
    ctx.call("keyvault vaults.list_by_resource_group",
             lambda: [v.id for v in kv.vaults.list_by_resource_group(VAULT_GROUP)],
             lambda ids: expect(ids == [vault_id], "vaults %s" % ids))
    restricted = Permissions(secrets=["list"], keys=[], certificates=[])
    ctx.call("keyvault vaults.update_access_policy replace (restrict)",
             lambda: _policy(ctx, kv, "replace", restricted),
             lambda _: expect(_holders(kv)[VAULT_ATTACKER].secrets == ["list"],
                              "permissions %s" % _holders(kv).get(VAULT_ATTACKER)))
    # Remove takes the entry's permissions (the playbook sends them from its pre-image):
    # an entry left with none is gone.
    ctx.call("keyvault vaults.update_access_policy remove",
             lambda: _policy(ctx, kv, "remove", _holders(kv)[VAULT_ATTACKER]),
             lambda _: expect(VAULT_ATTACKER not in _holders(kv), "the policy is still there"))
    ctx.call("keyvault vaults.update_access_policy add (undo)",
             lambda: _policy(ctx, kv, "add", Permissions(secrets=["get", "list"])),
             lambda _: expect(sorted(_holders(kv)[VAULT_ATTACKER].secrets) == ["get", "list"],
                              "permissions %s" % _holders(kv).get(VAULT_ATTACKER)))
    ctx.call("keyvault vaults.update_access_policy remove (again)",
             lambda: _policy(ctx, kv, "remove", _holders(kv)[VAULT_ATTACKER]),
             lambda _: expect(VAULT_ATTACKER not in _holders(kv), "the policy is still there"))
    # The firewall, letting this process (127.0.0.1) in: the data plane still answers.
    _firewall(ctx, kv, ["127.0.0.1/32", "203.0.113.0/24"], "Deny")
    return kv, vault


def secrets(ctx, kv, vault_uri):
    client = SecretClient(vault_uri, ctx.credential, verify_challenge_resource=True,
                          **ctx.transport)
    stolen = "payments-" + STOLEN_SECRET

    ctx.call("secrets list_properties_of_secrets (challenge verified)",
             lambda: sorted(p.name for p in client.list_properties_of_secrets()),
             lambda names: expect({stolen, "storage-connection-string"} <= set(names),
                                  "secrets %s" % names))
    current = ctx.call("secrets get_secret", lambda: client.get_secret(stolen),
                       lambda s: expect(s.properties.enabled and s.properties.version,
                                        "properties %s" % s.properties))
    versions = ctx.call("secrets list_properties_of_secret_versions",
                        lambda: list(client.list_properties_of_secret_versions(stolen)),
                        lambda vs: expect(len(vs) == 2, "%d versions" % len(vs)))
    if not current or not versions:
        return
    older = next(v.version for v in versions if v.version != current.properties.version)
    ctx.call("secrets update_secret_properties (a version) enabled=False",
             lambda: client.update_secret_properties(stolen, older, enabled=False),
             lambda p: expect(p.enabled is False and p.version == older,
                              "enabled %s version %s" % (p.enabled, p.version)))
    # Key Vault does not give a disabled version's value: 403 Forbidden (SecretDisabled).
    ctx.refused("secrets get_secret of the disabled version",
                lambda: client.get_secret(stolen, older), 403, "Forbidden")
    ctx.call("secrets update_secret_properties (no version: the latest) tags",
             lambda: client.update_secret_properties(stolen, tags={"dftriage": "contained"}),
             lambda p: expect(p.version == current.properties.version and
                              p.tags == {"dftriage": "contained"},
                              "version %s tags %s" % (p.version, p.tags)))
    rotated = ctx.call("secrets set_secret (rotate)",
                       lambda: client.set_secret(stolen, "rotated-by-sdk-test"),
                       lambda s: expect(s.properties.version != current.properties.version,
                                        "the same version"))
    ctx.call("secrets get_secret after rotation gives the new version",
             lambda: client.get_secret(stolen),
             lambda s: expect(rotated and s.properties.version == rotated.properties.version,
                              "version %s" % s.properties.version))
    name = "api-signing-key"
    ctx.call("secrets begin_delete_secret",
             lambda: client.begin_delete_secret(name).result(),
             lambda d: expect(d.name == name and d.recovery_id, "deleted %s" % d))
    ctx.call("secrets get_deleted_secret", lambda: client.get_deleted_secret(name),
             lambda d: expect(d.name == name, "deleted %s" % d))
    ctx.refused("secrets get_secret of a deleted secret", lambda: client.get_secret(name),
                404, "SecretNotFound")
    ctx.call("secrets begin_recover_deleted_secret",
             lambda: client.begin_recover_deleted_secret(name).result(),
             lambda p: expect(p.name == name and client.get_secret(name).properties.enabled,
                              "recovered %s" % p))
    return client


def run(ctx):
    kv, vault = management(ctx)
    if vault is None:
        return
    client = secrets(ctx, kv, vault.properties.vault_uri)
    sdk_calls_keyvault_objects.run(ctx, vault.properties.vault_uri)
    # The firewall without this process's address: Key Vault refuses the data plane.
    _firewall(ctx, kv, ["203.0.113.0/24"], "Deny")
    if client is not None:
        ctx.refused("secrets list_properties_of_secrets behind the firewall",
                    lambda: list(client.list_properties_of_secrets()), 403, "Forbidden")
    _firewall(ctx, kv, [], "Allow")
    if client is not None:
        ctx.call("secrets list_properties_of_secrets with the firewall open again",
                 lambda: list(client.list_properties_of_secrets()),
                 lambda names: expect(len(names) >= 3, "%d secrets" % len(names)))
