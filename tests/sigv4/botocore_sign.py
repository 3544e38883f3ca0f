#!/usr/bin/python3
"""Signs requests with botocore, for tests/core/sigv4_botocore_test.cpp to compare with RoleDrop's signer.

Usage: /usr/bin/python3 botocore_sign.py in.json out.json

in.json: {"requests": [{"id", "kind": "header"|"presign", "service", "region", "timestamp": "YYYYMMDDTHHMMSSZ",
          "method", "host", "path" (decoded), "query": [[key, value]...] (decoded), "headers": [[name, value]...],
          "body" (base64), "unsignedPayload", "accessKey", "secretKey", "token" (or null), "expires"}]}
out.json: {"botocore": version, "results": [{"id", "wirePath", "canonicalRequest", "stringToSign",
          "authorization", "headers": [[name, value]...] (after signing), "url" (presign)}]}

botocore is driven through its public signers (SigV4Auth, S3SigV4Auth, S3SigV4QueryAuth) and add_auth();
only the clock is fixed. The wire path is made here from the decoded path with botocore's own encoder, as
its REST serializer does, so the paths are not taken from the C++ side.
"""
import base64
import datetime as real_datetime
import json
import sys
import types

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.utils import percent_encode

TIMESTAMP_FORMAT = '%Y%m%dT%H%M%SZ'


class FixedClock(real_datetime.datetime):
    """datetime.datetime whose utcnow() is the request's timestamp."""
    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


# add_auth reads the time through the module's `datetime` name: give it our clock.
botocore.auth.datetime = types.SimpleNamespace(datetime=FixedClock)


def capture(auth, captured):
    """Records the canonical request and string to sign that add_auth computes."""
    canonical_request = auth.canonical_request
    string_to_sign = auth.string_to_sign

    def recording_canonical_request(request):
        captured['canonicalRequest'] = canonical_request(request)
        return captured['canonicalRequest']

    def recording_string_to_sign(request, creq):
        captured['stringToSign'] = string_to_sign(request, creq)
        return captured['stringToSign']

    auth.canonical_request = recording_canonical_request
    auth.string_to_sign = recording_string_to_sign


def sign(spec):
    FixedClock.fixed = real_datetime.datetime.strptime(spec['timestamp'], TIMESTAMP_FORMAT)
    credentials = Credentials(spec['accessKey'], spec['secretKey'], spec.get('token'))
    # As botocore's REST serializer encodes a greedy URI label (an S3 key): keep '/' and '~'.
    wire_path = percent_encode(spec['path'], safe='/~')
    unsigned = spec.get('unsignedPayload', False)
    # botocore leaves the payload unsigned only over https and when told to.
    scheme = 'https' if unsigned else 'http'
    url = f"{scheme}://{spec['host']}{wire_path}"
    body = base64.b64decode(spec['body']) if spec.get('body') else b''

    request = AWSRequest(method=spec['method'], url=url, data=body,
                         params=[(k, v) for k, v in spec['query']])
    headers = HTTPHeaders()
    for name, value in spec['headers']:
        headers[name] = value  # email.message semantics: appends, so repeated names are kept in order
    request.headers = headers
    if unsigned:
        request.context['payload_signing_enabled'] = False
        request.context['client_config'] = Config(s3={'payload_signing_enabled': False})

    if spec['kind'] == 'presign':
        auth = botocore.auth.S3SigV4QueryAuth(credentials, spec['service'], spec['region'],
                                              expires=spec['expires'])
    elif spec['service'] == 's3':
        auth = botocore.auth.S3SigV4Auth(credentials, spec['service'], spec['region'])
    else:
        auth = botocore.auth.SigV4Auth(credentials, spec['service'], spec['region'])
    captured = {}
    capture(auth, captured)
    auth.add_auth(request)

    return {
        'id': spec['id'],
        'wirePath': wire_path,
        'canonicalRequest': captured['canonicalRequest'],
        'stringToSign': captured['stringToSign'],
        'authorization': request.headers.get('Authorization', ''),
        'headers': [[name, value] for name, value in request.headers.items()],
        'url': request.url,
    }


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: botocore_sign.py in.json out.json')
    with open(sys.argv[1], encoding='utf-8') as source:
        specs = json.load(source)['requests']
    results = [sign(spec) for spec in specs]
    with open(sys.argv[2], 'w', encoding='utf-8') as target:
        json.dump({'botocore': botocore.__version__, 'results': results}, target, ensure_ascii=False)


if __name__ == '__main__':
    main()
