"""Signing in: azure.identity's client-secret credential against the lab's authority (the
v2.0 token endpoint), adal's client credentials (the v1 endpoint with `resource=`, which
msrestazure and older tools use), and the subscription those tokens open."""

import re
import time

from azure.core.credentials import AccessToken
from azure.mgmt.resource import SubscriptionClient

from sdk_context import expect

try:
    import adal
except ImportError:  # python3-adal comes with azure-cli and msrestazure, not always
    adal = None

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class _AdalCredential:
    """A TokenCredential over an adal token, to use it with a track-2 client."""

    def __init__(self, token):
        self._token = token

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self._token["accessToken"], int(time.time()) + self._token["expiresIn"])


def _v1_token(ctx, resource):
    context = adal.AuthenticationContext(ctx.authority + "/" + ctx.tenant,
                                         validate_authority=False)

    def token_ok(token):
        expect(token.get("accessToken"), "no access token: %s" % token)
        expect(token.get("resource") in (None, resource), "resource %r" % token.get("resource"))
        expect(token.get("expiresIn", 0) > 600, "expiresIn %r" % token.get("expiresIn"))

    return ctx.call("adal acquire_token_with_client_credentials (v1 endpoint, resource=)",
                    lambda: context.acquire_token_with_client_credentials(
                        resource, ctx.connection["clientId"], ctx.connection["clientSecret"]),
                    token_ok)


def run(ctx):
    # Azure stores subscription IDs in lower case, whatever case an alert export uses.
    ctx.call("connection line: subscriptionId as Azure stores it",
             lambda: ctx.subscription,
             lambda s: expect(GUID.match(s), "subscriptionId %r is not a lower-case GUID" % s))

    def token_ok(token):
        expect(token.token, "no access token")
        expect(token.expires_on > time.time() + 600, "token expires at %s" % token.expires_on)

    ctx.call("identity ClientSecretCredential.get_token (v2.0 endpoint, lab authority)",
             lambda: ctx.credential.get_token(ctx.arm_scope), token_ok)

    resource = ctx.connection["cloud"]["endpoints"]["activeDirectoryResourceId"]
    if adal is None:
        print("note: python3-adal is not installed; the v1 token endpoint is not tried")
    elif v1 := _v1_token(ctx, resource):
        client = SubscriptionClient(_AdalCredential(v1), base_url=ctx.base, **ctx.transport)
        ctx.call("resource subscriptions.list with the v1 token",
                 lambda: [s.subscription_id for s in client.subscriptions.list()],
                 lambda ids: expect(ids == [ctx.subscription.lower()], "subscriptions %s" % ids))

    client = SubscriptionClient(ctx.credential, **ctx.options)

    def one_subscription(subs):
        expect(len(subs) == 1, "%d subscriptions" % len(subs))
        expect(subs[0].id == ctx.sub_id(), "subscription id %r" % subs[0].id)
        expect(subs[0].tenant_id == ctx.tenant, "tenant %r" % subs[0].tenant_id)

    ctx.call("resource subscriptions.list", lambda: list(client.subscriptions.list()),
             one_subscription)
