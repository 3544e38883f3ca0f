#!/usr/bin/python3
"""Captures the rgw_*.xml samples from a Ceph RGW started by /work/shared/reference/ceph-rgw/start.sh.

Not part of the build: it documents where the rgw_* samples come from and can refresh them.
Run with Debian's python3 (botocore 1.29), after creating the users and the role as
/work/shared/reference/ceph-rgw/scenario.sh does (owner/OWNERKEY, james/JAMESKEY, role S3Access
trusted by james), with RGW_ENDPOINT pointing at the gateway:

    RGW_ENDPOINT=http://127.0.0.1:7480 /usr/bin/python3 capture_rgw_samples.py OUTDIR
"""
import os
import sys
import urllib.request

import botocore.session
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ENDPOINT = os.environ.get("RGW_ENDPOINT", "http://127.0.0.1:7480")
OUT = sys.argv[1]
last_body = []


def client(service, key, secret):
    session = botocore.session.get_session()
    c = session.create_client(service, region_name="us-east-1", endpoint_url=ENDPOINT,
                              aws_access_key_id=key, aws_secret_access_key=secret,
                              config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    c.meta.events.register("after-call", lambda http_response=None, **kw: last_body.append(http_response.content))
    return c


def call(fn, **kw):
    try:
        return fn(**kw)
    except Exception as error:  # the error bodies are what we are after
        return error


def save(name, body=None):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(last_body[-1] if body is None else body)


def raw_get(path_and_query):
    """A signed GET whose body is kept even when botocore could not parse it (invalid XML)."""
    url = ENDPOINT + path_and_query
    request = AWSRequest(method="GET", url=url)
    S3SigV4Auth(Credentials("OWNERKEY", "ownersecret"), "s3", "us-east-1").add_auth(request)
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=dict(request.headers.items()))).read()
    except urllib.error.HTTPError as error:
        return error.read()


owner = client("s3", "OWNERKEY", "ownersecret")
james = client("s3", "JAMESKEY", "jamessecret")
james_sts = client("sts", "JAMESKEY", "jamessecret")
owner_sts = client("sts", "OWNERKEY", "ownersecret")

call(owner.create_bucket, Bucket="data")
call(owner.create_bucket, Bucket="photos")
call(owner.list_buckets); save("rgw_s3_list_buckets.xml")

odd_keys = ["plain.txt", "with space.txt", "plus+sign.txt", "percent%41.txt", "unicodé/ünï/日本語.txt",
            "../escape/../../etc/passwd", "ctrl\x01char\x1f.txt", "tab\there.txt", "new\nline.txt",
            " leading-and-trailing ", "amp&lt<gt>\"quote'.txt", "folder/a.txt", "folder/b.txt", "folder/sub/c.txt"]
for key in odd_keys:
    call(owner.put_object, Bucket="data", Key=key, Body=b"x" * (len(key) + 1))

call(owner.list_objects_v2, Bucket="data"); save("rgw_s3_list_objects_v2_url_encoded.xml")
call(owner.list_objects_v2, Bucket="data", Delimiter="/"); save("rgw_s3_list_objects_v2_delimiter.xml")
page = call(owner.list_objects_v2, Bucket="data", MaxKeys=3); save("rgw_s3_list_objects_v2_truncated.xml")
call(owner.list_objects_v2, Bucket="data", MaxKeys=3, ContinuationToken=page["NextContinuationToken"])
save("rgw_s3_list_objects_v2_continued.xml")
save("rgw_s3_list_objects_v2_raw_all.xml", raw_get("/data?list-type=2"))
save("rgw_s3_list_objects_v2_raw_unicode.xml", raw_get("/data?list-type=2&prefix=unicod"))
save("rgw_s3_list_objects_v2_prefix.xml", raw_get("/data?list-type=2&encoding-type=url&prefix=folder%2F&delimiter=%2F"))
# The fourth key is the one with control characters: it becomes NextContinuationToken, unencoded.
save("rgw_s3_list_objects_v2_ctrl_token.xml", raw_get("/data?list-type=2&encoding-type=url&max-keys=4"))

upload = call(owner.create_multipart_upload, Bucket="data", Key="big/file.bin"); save("rgw_s3_initiate_multipart.xml")
part = call(owner.upload_part, Bucket="data", Key="big/file.bin", UploadId=upload["UploadId"], PartNumber=1,
            Body=b"y" * 1024)
parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
call(owner.complete_multipart_upload, Bucket="data", Key="big/file.bin", UploadId=upload["UploadId"],
     MultipartUpload=parts)
save("rgw_s3_complete_multipart.xml")
call(owner.complete_multipart_upload, Bucket="data", Key="big/never.bin", UploadId="2~nosuchupload",
     MultipartUpload=parts)
save("rgw_s3_error_complete_unknown_upload.xml")

call(owner.delete_objects, Bucket="data", Delete={"Objects": [{"Key": "plain.txt"}, {"Key": "never-existed.txt"}]})
save("rgw_s3_delete_result.xml")
call(james.delete_objects, Bucket="data", Delete={"Objects": [{"Key": "folder/a.txt"}]}); save("rgw_s3_delete_denied.xml")
call(james.list_objects_v2, Bucket="data"); save("rgw_s3_error_access_denied.xml")
call(owner.list_objects_v2, Bucket="no-such-bucket"); save("rgw_s3_error_no_such_bucket.xml")
call(owner.get_object, Bucket="data", Key="no-such-key"); save("rgw_s3_error_no_such_key.xml")
call(client("s3", "JAMESKEY", "not-the-secret").list_buckets); save("rgw_s3_error_signature.xml")
call(client("s3", "NOSUCHKEY", "whatever").list_buckets); save("rgw_s3_error_invalid_access_key.xml")

role = "arn:aws:iam:::role/S3Access"
call(james_sts.assume_role, RoleArn=role, RoleSessionName="james-session", DurationSeconds=900)
save("rgw_sts_assume_role.xml")
call(james_sts.assume_role, RoleArn="arn:aws:iam:::role/NoSuchRole", RoleSessionName="x1")
save("rgw_sts_error_no_such_role.xml")
call(james_sts.assume_role, RoleArn=role, RoleSessionName="x2", DurationSeconds=3601); save("rgw_sts_error_duration.xml")
call(owner_sts.assume_role, RoleArn=role, RoleSessionName="x3"); save("rgw_sts_error_access_denied.xml")
call(james_sts.get_caller_identity); save("rgw_sts_error_get_caller_identity.xml")
call(james_sts.get_session_token); save("rgw_sts_error_get_session_token.xml")
call(client("sts", "JAMESKEY", "wrong").assume_role, RoleArn=role, RoleSessionName="x4")
save("rgw_sts_error_signature.xml")
