# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # HTTP options shared by every module of the collection
    DOCUMENTATION = r"""
options:
  timeout:
    description:
      - Seconds one request may take at most, from connecting to the last byte of the answer; a server that sends its
        answer slowly is cut off then. Connecting waits at most 10 seconds, or O(timeout) if lower.
      - While the module waits (O(wait=true)), no request outlives the wait by more than 2 seconds (the last look at its end).
      - Must be greater than 0 and at most 300.
    type: float
    default: 30
  retries:
    description:
      - How many times a failed request is repeated, between V(0) and V(10).
      - Only connection errors, timeouts, HTTP 429, 500, 502, 503 and 504, and UCloud RetCode 150, 153 and 2000 or more
        are retried, with exponential backoff and full jitter, honouring C(Retry-After), within about 60 seconds in total.
        Authentication and validation errors are never retried.
    type: int
    default: 4
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API endpoint. Set to V(false) only for test endpoints; the module then
        returns a warning saying so.
    type: bool
    default: true
  ca_bundle:
    description:
      - Path to a CA certificate bundle (file or directory) used to verify the endpoint instead of the system trust store.
      - When not set and O(validate_certs=true), the E(REQUESTS_CA_BUNDLE) environment variable is honoured.
      - Cannot be combined with O(validate_certs=false).
    type: path
notes:
  - Proxies are taken from the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
    C(~/.netrc) is never read.
  - One HTTP connection is kept open and reused for all requests of a module run.
  - An answer larger than 32 MiB (after decompression) fails the module; see the troubleshooting guide.
  - An C(http://) endpoint on another machine than localhost gives a warning that requests travel unencrypted.
"""
