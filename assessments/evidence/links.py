"""Evidence links: what a link must look like before it is stored and shown."""

import unicodedata
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.encoding import punycode
from django.utils.translation import gettext as _


def evidence_link_url(url: str) -> str:
    """The link as stored and shown: http(s), no control, bidi or invisible
    characters (which make one host read as another), the host in ASCII
    (punycode) so a look-alike host shows what it is. Raises ValidationError."""
    invalid = ValidationError(_("Tautan harus berupa alamat http:// atau https:// yang sah."))
    if any(unicodedata.category(ch)[0] in ("C", "Z") for ch in url):
        raise invalid
    URLValidator(schemes=["http", "https"])(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.isascii():
        try:
            ascii_host = punycode(host)
        except UnicodeError:
            raise invalid from None
        userinfo, at, _host = parts.netloc.rpartition("@")
        port = f":{parts.port}" if parts.port is not None else ""
        url = urlunsplit(parts._replace(netloc=userinfo + at + ascii_host + port))
        URLValidator(schemes=["http", "https"])(url)
    return url
