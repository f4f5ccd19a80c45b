"""Purges readers' pages from the Varnish servers in front of the site, by tag.

Every reader's answer names what it was made from in its `xkey` header (`article:123
section:5 list:latest nav` …). deploy/varnish/default.vcl keeps such an answer until a
`PURGE /` carrying `xkey-purge: <tags>` names one of them, and then drops it at once (a hard
purge: a withdrawn story is never served again from grace). Call `purge()` once the change has
committed: purged before, a reader could fetch the page again from the old rows and Varnish keep
that for an hour.
"""

import http.client
import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

# Bytes of tags in one PURGE's header: well inside Varnish's limit for a header line (8 KB,
# the http_req_hdr_len parameter); more tags go in further requests.
HEADER_BYTES = 4000
ATTEMPTS = 3  # one try and two retries for each request
RETRY_PAUSE = 0.05  # seconds between them


class PurgeFailed(Exception):
    pass


def purge(tags: Iterable[str]) -> None:
    """Drop every object tagged with any of `tags` from each Varnish in `VARNISH_URLS` (none:
    nothing to do). Never raises: a Varnish that does not answer, or refuses, is one warning in
    the log, and its pages stay until their TTL runs out."""
    if isinstance(tags, str):  # one tag, or several space-separated, not its characters
        tags = tags.split()
    tags = list(dict.fromkeys(tag for tag in tags if tag))
    urls = settings.VARNISH_URLS
    if not tags or not urls:
        return
    batches = list(_batches(tags))
    if len(urls) == 1:
        _purge_one(urls[0], batches)
        return
    # Side by side, so that one silent Varnish delays the others by nothing.
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        list(pool.map(lambda url: _purge_one(url, batches), urls))


def _purge_one(url: str, batches: list[bytes]) -> None:
    try:
        for batch in batches:
            _send(url, batch)
    except Exception as error:  # a purge must never break the change it follows
        tags = b" ".join(batches).decode(errors="replace")
        shown = tags if len(tags) <= 200 else tags[:200] + "…"
        logger.warning(
            "Varnish %s did not take the purge of %s (%s): those pages stay until their TTL",
            url,
            shown,
            error,
        )


def _batches(tags: list[str]) -> Iterator[bytes]:
    batch: list[bytes] = []
    size = 0
    for tag in tags:
        encoded = tag.encode()
        if batch and size + 1 + len(encoded) > HEADER_BYTES:
            yield b" ".join(batch)
            batch, size = [], 0
        batch.append(encoded)
        size += len(encoded) + (1 if size else 0)
    if batch:
        yield b" ".join(batch)


def _send(url: str, header: bytes) -> None:
    """One PURGE to one Varnish, tried ATTEMPTS times while it does not answer or answers 5xx."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection_class = http.client.HTTPSConnection
    else:
        connection_class = http.client.HTTPConnection
    problem = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(RETRY_PAUSE)
        connection = connection_class(parts.hostname, parts.port, timeout=settings.VARNISH_TIMEOUT)
        try:
            connection.request("PURGE", "/", headers={"xkey-purge": header})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            continue
        finally:
            connection.close()
        if response.status == 200:
            logger.debug("Varnish %s purged %s objects", url, response.getheader("xkey-purged"))
            return
        problem = f"answered {response.status} {response.reason}"
        if response.status < 500:
            break  # refused (not in the VCL's purgers, say): asking again changes nothing
    raise PurgeFailed(f"{problem}, {attempt + 1} tries")
