"""What the webhook routes answer when they refuse, in words an integrator can act on."""

from collections.abc import Sequence

from backend.core.errors import Conflict, Forbidden, UnprocessableContent, ValidationIssue


class InvalidWebhookUrl(UnprocessableContent):
    slug = "invalid-webhook-url"
    title = "This address cannot receive webhooks"

    @property
    def issues(self) -> Sequence[ValidationIssue]:
        return [ValidationIssue(loc=["body", "url"], msg=self.detail or "", type="value_error")]


class EndpointsAreTheClients(Forbidden):
    slug = "endpoints-are-the-clients"
    detail = (
        "Webhook endpoints belong to a service client: register, change or remove one with the "
        "client's own access token. Admins may list endpoints and turn them off or on."
    )


class AdminMayOnlyToggle(Forbidden):
    slug = "admin-may-only-toggle"
    detail = (
        "Admins may turn an endpoint off or on (send only `enabled`); its address, events and "
        "description are changed by the service client it belongs to."
    )


class TooManyEndpoints(Conflict):
    slug = "too-many-endpoints"


class EndpointDisabled(Conflict):
    slug = "endpoint-disabled"
    detail = (
        "This endpoint is turned off, so nothing is sent to it. Turn it on first "
        "(PATCH with `enabled: true`), then ask for the delivery again."
    )


class BeingSent(Conflict):
    slug = "delivery-being-sent"
    detail = (
        "This delivery is being sent at this moment. Look at the delivery log again in a "
        "minute, and redeliver it then if it did not arrive."
    )
