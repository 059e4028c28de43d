"""Key Vault keys and certificates through azure-keyvault-keys and -certificates (the
playbook's key.rotate, key.disable, certificate.create, certificate.disable and their
lists), with the challenge verified as for secrets. Skipped quietly without those
packages (python3-azure carries them)."""

from sdk_context import expect

try:
    from azure.keyvault.certificates import CertificateClient
    from azure.keyvault.keys import KeyClient
except ImportError:  # pragma: no cover - python3-azure has both
    CertificateClient = KeyClient = None

KEY = "signing-key"
CERTIFICATE = "payments-tls"


def keys(ctx, vault_uri):
    client = KeyClient(vault_uri, ctx.credential, verify_challenge_resource=True,
                       **ctx.transport)
    ctx.call("keys list_properties_of_keys",
             lambda: [k.name for k in client.list_properties_of_keys()],
             lambda names: expect(KEY in names, "keys %s" % names))
    current = ctx.call("keys get_key", lambda: client.get_key(KEY),
                       lambda k: expect(k.properties.enabled and k.key_type, "key %s" % k.properties))
    rotated = ctx.call("keys rotate_key", lambda: client.rotate_key(KEY),
                       lambda k: expect(current and k.properties.version != current.properties.version,
                                        "the same version after rotation"))
    ctx.call("keys list_properties_of_key_versions",
             lambda: list(client.list_properties_of_key_versions(KEY)),
             lambda vs: expect(len(vs) >= 2, "%d versions" % len(vs)))
    if current and rotated:
        ctx.call("keys update_key_properties (the old version) enabled=False",
                 lambda: client.update_key_properties(KEY, current.properties.version,
                                                      enabled=False),
                 lambda p: expect(p.properties.enabled is False and
                                  client.get_key(KEY).properties.enabled,
                                  "enabled %s" % p.properties.enabled))


def certificates(ctx, vault_uri):
    client = CertificateClient(vault_uri, ctx.credential, verify_challenge_resource=True,
                               **ctx.transport)
    ctx.call("certificates list_properties_of_certificates",
             lambda: [c.name for c in client.list_properties_of_certificates()],
             lambda names: expect(CERTIFICATE in names, "certificates %s" % names))
    current = ctx.call("certificates get_certificate",
                       lambda: client.get_certificate(CERTIFICATE),
                       lambda c: expect(c.cer and c.properties.enabled, "certificate %s" % c.name))
    policy = ctx.call("certificates get_certificate_policy",
                      lambda: client.get_certificate_policy(CERTIFICATE),
                      lambda p: expect(p.issuer_name == "Self", "issuer %s" % p.issuer_name))
    if policy is not None:
        ctx.call("certificates begin_create_certificate (re-issue under its policy)",
                 lambda: client.begin_create_certificate(CERTIFICATE, policy).result(),
                 lambda c: expect(current and c.properties.version != current.properties.version,
                                  "the same version"))
    ctx.call("certificates list_properties_of_certificate_versions",
             lambda: list(client.list_properties_of_certificate_versions(CERTIFICATE)),
             lambda vs: expect(len(vs) >= 2, "%d versions" % len(vs)))
    if current is not None:
        ctx.call("certificates update_certificate_properties (the old version) enabled=False",
                 lambda: client.update_certificate_properties(
                     CERTIFICATE, current.properties.version, enabled=False),
                 lambda c: expect(c.properties.enabled is False, "enabled %s" % c.properties.enabled))


def run(ctx, vault_uri):
    if KeyClient is None:
        print("note: azure-keyvault-keys/-certificates are not installed; not tried")
        return
    keys(ctx, vault_uri)
    certificates(ctx, vault_uri)
