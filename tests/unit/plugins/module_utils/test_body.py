# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decoding bodies directly; the same paths over HTTP (bombs, stacked and unknown encodings) are in test_transport.py."""

from __future__ import annotations

import gzip
import os
import zlib

import pytest

from ansible_collections.dbtasks.cloud.plugins.module_utils import _body


@pytest.mark.parametrize("header, expected", [
    (None, []), ("", []), ("gzip", ["gzip"]), ("GZIP, identity", ["gzip"]), (" gzip ,gzip", ["gzip", "gzip"]), ("br", ["br"]),
])
def test_content_encodings(header, expected):
    assert _body.content_encodings(header) == expected


@pytest.mark.parametrize("size", [0, 1, _body._INFLATE_STEP - 1, _body._INFLATE_STEP, 3 * _body._INFLATE_STEP + 7])
def test_decode_body_takes_several_steps_up_to_the_limit_exactly(size):
    data = os.urandom(size // 2) + b"y" * (size - size // 2)
    for compress, encoding in ((gzip.compress, "gzip"), (zlib.compress, "deflate")):
        assert _body.decode_body(compress(data), [encoding], limit=size) == data
        if size:
            with pytest.raises(_body.TooLarge):
                _body.decode_body(compress(data), [encoding], limit=size - 1)
