"""Where a webhook may be sent: an https:// address whose host is on the public internet.

Checked when an endpoint is saved and again at every delivery, because what a name resolves to
can change after it was checked (DNS rebinding: public when saved, 127.0.0.1 when sent). At
delivery the name is resolved once, every address it gives is checked, and the connection is
made to the checked address itself (``delivery``), while TLS still verifies the certificate
against the name in the URL; so what was checked is what is reached.

``CIRCLES_WEBHOOKS_ALLOW_PRIVATE_URLS`` lets development and tests use http:// and private or
loopback addresses (production refuses to start with it on).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from backend.core.config import Settings
from backend.webhooks.exceptions import InvalidWebhookUrl

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A checked URL, split as a connection needs it."""

    scheme: str
    host: str
    port: int
    path: str  # with its query


class UnsafeAddress(Exception):
    """A delivery would reach an address webhooks may not reach; the message says which."""


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (the one seam tests replace)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (6to4, Teredo, NAT64), if any."""
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Not private, loopback, link-local, multicast, reserved or unspecified (nor any other
    range not routed on the internet), for IPv4 and IPv6 and IPv4 inside IPv6."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            # Python counts the whole mapped range as private; the IPv4 address inside is
            # what a connection reaches.
            return is_public(address.ipv4_mapped)
        inner = _embedded_ipv4(address)
        if inner is not None and not is_public(inner):
            return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _refuse(message: str) -> InvalidWebhookUrl:
    return InvalidWebhookUrl(message)


def parse(settings: Settings, url: str) -> Target:
    """The parts of ``url``, or InvalidWebhookUrl saying what to change."""
    allow_private = settings.webhooks_allow_private_urls
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise _refuse("This is not a web address. Give the full https:// address.") from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise _refuse(
            "Webhooks are sent over https only: give an https:// address, so what is sent "
            "cannot be read or changed on the way."
        )
    if parts.username is not None or parts.password is not None:
        raise _refuse(
            "Leave the user name and password out of the address: deliveries are signed, so "
            "verify the signature instead (see the API documentation)."
        )
    if not parts.hostname:
        raise _refuse("The address has no host name. Give the full https:// address.")
    if parts.fragment:
        raise _refuse("Leave out the part after '#': it is never sent to a server.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    # A request line is ASCII: a path with other letters must arrive percent-encoded.
    if not path.isascii() or any(ord(c) < 0x21 for c in path):
        raise _refuse(
            "The path of the address has letters or spaces a request line cannot carry. "
            "Percent-encode them (for example %C3%BC for ü), as a browser's address bar shows."
        )
    default_port = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default_port, path)


def check_addresses(settings: Settings, target: Target) -> list[IPAddress]:
    """The addresses of ``target``'s host, every one of them allowed; UnsafeAddress if one
    is not, OSError if the name does not resolve."""
    try:
        addresses = [ipaddress.ip_address(target.host)]
    except ValueError:
        try:
            addresses = resolve(target.host, target.port)
        except (UnicodeError, ValueError) as exc:
            # An empty label or one over 63 characters ("a..example"): no such name.
            raise OSError(f"{target.host} is not a host name") from exc
    if not addresses:
        raise OSError(f"{target.host} has no address")
    if not settings.webhooks_allow_private_urls:
        for address in addresses:
            if not is_public(address):
                raise UnsafeAddress(
                    f"{target.host} leads to {address}, a private or reserved address that "
                    "webhooks are not sent to"
                )
    return addresses


def check_url(settings: Settings, url: str) -> str:
    """``url`` as stored, once it is an address webhooks may be sent to (else a 422 at
    ``url`` saying what to do)."""
    target = parse(settings, url)
    try:
        check_addresses(settings, target)
    except UnsafeAddress:
        raise _refuse(
            f"{target.host} leads to a private, loopback or reserved network address, which "
            "webhooks are never sent to. Give an address on the public internet."
        ) from None
    except OSError:
        raise _refuse(
            f"We could not find {target.host}. Check the spelling, or try again once its DNS "
            "record is published."
        ) from None
    return url.strip()
