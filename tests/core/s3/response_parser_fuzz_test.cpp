#include "core/http/error_response_parser.h"
#include "core/s3/s3_response_parser.h"
#include "core/sts/sts_response_parser.h"

#include <QFile>
#include <QRandomGenerator>
#include <QtTest>

#include "test_files.h"

using namespace RoleDrop;

// Every parser against every sample cut at every byte and mutated at random (fixed seeds): no
// crash, no partial result passed off as success, no secret in a message.

namespace {

enum class Parser {
    AssumeRole,
    GetSessionToken,
    GetCallerIdentity,
    ListBuckets,
    ListObjectsV2,
    CreateMultipartUpload,
    CompleteMultipartUpload,
    DeleteObjects,
};

QByteArray sample(const QString &name)
{
    return Test::xmlSample(name);
}

// A parse, reduced to what the checks need: success with a fingerprint of the whole result, or
// the error; `problem` names a broken invariant of a successful result.
struct Parsed
{
    bool ok = false;
    AwsError error;
    QString fingerprint;
    QString problem;
    QStringList secrets; // secret values in the result (STS)
};

QString stamp(const QDateTime &time)
{
    return time.toString(Qt::ISODateWithMs);
}

void requireUtc(Parsed &parsed, const QDateTime &time, const char *what)
{
    if (!time.isValid() || time.timeSpec() != Qt::UTC)
        parsed.problem += QStringLiteral("%1 is not a valid UTC time; ").arg(QLatin1String(what));
}

void describeCredentials(Parsed &parsed, const AwsCredentials &c)
{
    parsed.fingerprint += c.accessKeyId + QLatin1Char('|') + c.secretAccessKey + QLatin1Char('|') + c.sessionToken
        + QLatin1Char('|') + stamp(c.expiration) + QLatin1Char('|');
    parsed.secrets = {c.secretAccessKey, c.sessionToken};
    if (c.accessKeyId.isEmpty() || c.secretAccessKey.isEmpty() || c.sessionToken.isEmpty())
        parsed.problem += QStringLiteral("a credential field is empty; ");
    for (const QString &value : {c.accessKeyId, c.secretAccessKey, c.sessionToken}) {
        for (const QChar ch : value) {
            if (ch.isSpace())
                parsed.problem += QStringLiteral("whitespace in a credential; ");
        }
    }
    requireUtc(parsed, c.expiration, "Expiration");
}

template <class T>
Parsed summarize(const Outcome<T> &outcome, void (*describe)(Parsed &, const T &))
{
    Parsed parsed;
    parsed.ok = outcome.ok();
    if (outcome.ok())
        describe(parsed, outcome.value());
    else
        parsed.error = outcome.error();
    return parsed;
}

void describeAssumeRole(Parsed &p, const Sts::AssumeRoleResult &r)
{
    describeCredentials(p, r.credentials);
    p.fingerprint += r.assumedRoleUser.arn + QLatin1Char('|') + r.assumedRoleUser.assumedRoleId + QLatin1Char('|')
        + QString::number(r.packedPolicySize) + QLatin1Char('|') + r.sourceIdentity;
    if (r.packedPolicySize < -1)
        p.problem += QStringLiteral("negative PackedPolicySize; ");
}

void describeSessionToken(Parsed &p, const Sts::SessionTokenResult &r)
{
    describeCredentials(p, r.credentials);
}

void describeCallerIdentity(Parsed &p, const Sts::CallerIdentity &r)
{
    p.fingerprint = r.arn + QLatin1Char('|') + r.userId + QLatin1Char('|') + r.account;
    if (r.arn.isEmpty())
        p.problem += QStringLiteral("empty Arn; ");
}

void describeListBuckets(Parsed &p, const S3::ListBucketsResult &r)
{
    p.fingerprint = r.ownerId + QLatin1Char('|') + r.ownerDisplayName;
    for (const S3::BucketInfo &bucket : r.buckets) {
        p.fingerprint += QLatin1Char('|') + bucket.name + QLatin1Char('@') + stamp(bucket.creationDate) + bucket.region;
        if (bucket.name.isEmpty())
            p.problem += QStringLiteral("bucket without name; ");
        requireUtc(p, bucket.creationDate, "CreationDate");
    }
}

void describeListObjects(Parsed &p, const S3::ListObjectsPage &r)
{
    p.fingerprint = r.bucket + QLatin1Char('|') + r.prefix + QLatin1Char('|') + r.delimiter + QLatin1Char('|')
        + r.nextContinuationToken + QLatin1Char('|') + QString::number(r.keyCount) + (r.isTruncated ? u'T' : u'F');
    for (const S3::ObjectInfo &object : r.objects) {
        p.fingerprint += QLatin1Char('|') + object.key + QLatin1Char('#') + QString::number(object.size)
            + stamp(object.lastModified) + object.eTag + object.storageClass;
        if (object.key.isEmpty())
            p.problem += QStringLiteral("object without key; ");
        if (object.size < 0)
            p.problem += QStringLiteral("negative size; ");
        requireUtc(p, object.lastModified, "LastModified");
    }
    p.fingerprint += QLatin1Char('|') + r.commonPrefixes.join(QLatin1Char('/'));
    if (r.bucket.isEmpty())
        p.problem += QStringLiteral("no bucket name; ");
    if (r.isTruncated && r.nextContinuationToken.isEmpty())
        p.problem += QStringLiteral("truncated without token; ");
    if (r.keyCount < 0)
        p.problem += QStringLiteral("negative KeyCount; ");
}

void describeInitiate(Parsed &p, const S3::InitiateMultipartResult &r)
{
    p.fingerprint = r.bucket + QLatin1Char('|') + r.key + QLatin1Char('|') + r.uploadId;
    if (r.uploadId.isEmpty())
        p.problem += QStringLiteral("empty UploadId; ");
}

void describeComplete(Parsed &p, const S3::CompleteMultipartResult &r)
{
    p.fingerprint = r.location + QLatin1Char('|') + r.bucket + QLatin1Char('|') + r.key + QLatin1Char('|') + r.eTag;
}

void describeDelete(Parsed &p, const S3::DeleteObjectsResult &r)
{
    p.fingerprint = r.deleted.join(QLatin1Char('|'));
    for (const auto &[key, error] : r.failed) {
        p.fingerprint += QLatin1Char('!') + key + QLatin1Char(':') + error.code + QLatin1Char(':') + error.message;
        if (key.isEmpty())
            p.problem += QStringLiteral("failure without key; ");
        if (!error.isError())
            p.problem += QStringLiteral("failure without error kind; ");
    }
    for (const QString &key : r.deleted) {
        if (key.isEmpty())
            p.problem += QStringLiteral("deleted without key; ");
    }
}

Parsed run(Parser parser, const QByteArray &doc)
{
    switch (parser) {
    case Parser::AssumeRole:
        return summarize<Sts::AssumeRoleResult>(Sts::parseAssumeRoleResponse(doc), describeAssumeRole);
    case Parser::GetSessionToken:
        return summarize<Sts::SessionTokenResult>(Sts::parseGetSessionTokenResponse(doc), describeSessionToken);
    case Parser::GetCallerIdentity:
        return summarize<Sts::CallerIdentity>(Sts::parseGetCallerIdentityResponse(doc), describeCallerIdentity);
    case Parser::ListBuckets:
        return summarize<S3::ListBucketsResult>(S3::parseListBucketsResponse(doc), describeListBuckets);
    case Parser::ListObjectsV2:
        return summarize<S3::ListObjectsPage>(S3::parseListObjectsV2Response(doc, true), describeListObjects);
    case Parser::CreateMultipartUpload:
        return summarize<S3::InitiateMultipartResult>(S3::parseInitiateMultipartResponse(doc), describeInitiate);
    case Parser::CompleteMultipartUpload:
        return summarize<S3::CompleteMultipartResult>(S3::parseCompleteMultipartResponse(doc), describeComplete);
    case Parser::DeleteObjects:
        return summarize<S3::DeleteObjectsResult>(S3::parseDeleteObjectsResponse(doc), describeDelete);
    }
    qFatal("unknown parser");
}

// Any 8 characters in a row of a secret in a message would be a leak.
QString leakIn(const QString &text, const QStringList &secrets)
{
    for (const QString &secret : secrets) {
        for (qsizetype i = 0; i + 8 <= secret.size(); ++i) {
            if (text.contains(QStringView(secret).mid(i, 8)))
                return secret.mid(i, 8);
        }
    }
    return QString();
}

QByteArray mutated(QByteArray doc, QRandomGenerator &random)
{
    static const QByteArray structural = "<>/&;#\"'=!?[]- \n\t%x0";
    const int mutations = 1 + int(random.bounded(4));
    for (int m = 0; m < mutations && !doc.isEmpty(); ++m) {
        const qsizetype at = qsizetype(random.bounded(quint32(doc.size())));
        switch (random.bounded(6)) {
        case 0: // any byte
            doc[at] = char(random.bounded(256));
            break;
        case 1: // a byte that means something to XML
            doc[at] = structural[random.bounded(quint32(structural.size()))];
            break;
        case 2:
            doc.remove(at, 1 + qsizetype(random.bounded(8)));
            break;
        case 3:
            doc.insert(at, structural[random.bounded(quint32(structural.size()))]);
            break;
        case 4: { // repeat a stretch, e.g. a whole element
            const qsizetype length = qMin<qsizetype>(1 + random.bounded(64), doc.size() - at);
            doc.insert(at, doc.mid(at, length));
            break;
        }
        default: // flip one bit
            doc[at] = char(doc[at] ^ (1 << random.bounded(8)));
            break;
        }
    }
    return doc;
}

// A few thousand rounds per sample by default; ROLEDROP_FUZZ_ITERATIONS runs a longer campaign.
int fuzzIterations()
{
    bool ok = false;
    const int wanted = qEnvironmentVariableIntValue("ROLEDROP_FUZZ_ITERATIONS", &ok);
    return ok && wanted > 0 ? wanted : 3000;
}

QString show(const QByteArray &doc)
{
    return QString::fromLatin1(doc.left(400).toPercentEncoding("<>/=\"' :.-_"));
}

} // namespace

Q_DECLARE_METATYPE(Parser)

class ResponseParserFuzzTest : public QObject
{
    Q_OBJECT

private slots:
    void successSamples_data();
    void truncatedAtEveryByte();
    void truncatedAtEveryByte_data() { successSamples_data(); }
    void randomMutations();
    void randomMutations_data() { successSamples_data(); }
    void errorBodies_truncatedAndMutated_data();
    void errorBodies_truncatedAndMutated();
    void completeMultipartError_neverSucceeds();
};

void ResponseParserFuzzTest::successSamples_data()
{
    QTest::addColumn<Parser>("parser");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("root");
    const QList<std::tuple<Parser, const char *, const char *>> cases = {
        {Parser::AssumeRole, "aws_sts_assume_role.xml", "AssumeRoleResponse"},
        {Parser::AssumeRole, "aws_sts_assume_role_2011.xml", "AssumeRoleResponse"},
        {Parser::AssumeRole, "rgw_sts_assume_role.xml", "AssumeRoleResponse"},
        {Parser::GetSessionToken, "aws_sts_get_session_token.xml", "GetSessionTokenResponse"},
        {Parser::GetCallerIdentity, "aws_sts_get_caller_identity.xml", "GetCallerIdentityResponse"},
        {Parser::ListBuckets, "aws_s3_list_buckets.xml", "ListAllMyBucketsResult"},
        {Parser::ListBuckets, "rgw_s3_list_buckets.xml", "ListAllMyBucketsResult"},
        {Parser::ListObjectsV2, "aws_s3_list_objects_v2_common_prefixes.xml", "ListBucketResult"},
        {Parser::ListObjectsV2, "aws_s3_list_objects_v2_continuation.xml", "ListBucketResult"},
        {Parser::ListObjectsV2, "rgw_s3_list_objects_v2_url_encoded.xml", "ListBucketResult"},
        {Parser::ListObjectsV2, "rgw_s3_list_objects_v2_truncated.xml", "ListBucketResult"},
        {Parser::CreateMultipartUpload, "aws_s3_initiate_multipart.xml", "InitiateMultipartUploadResult"},
        {Parser::CompleteMultipartUpload, "aws_s3_complete_multipart.xml", "CompleteMultipartUploadResult"},
        {Parser::CompleteMultipartUpload, "rgw_s3_complete_multipart.xml", "CompleteMultipartUploadResult"},
        {Parser::DeleteObjects, "aws_s3_delete_result.xml", "DeleteResult"},
        {Parser::DeleteObjects, "rgw_s3_delete_result.xml", "DeleteResult"},
    };
    for (const auto &[parser, file, root] : cases)
        QTest::newRow(file) << parser << QString::fromLatin1(file) << QByteArray(root);
}

void ResponseParserFuzzTest::truncatedAtEveryByte()
{
    QFETCH(Parser, parser);
    QFETCH(QString, file);
    QFETCH(QByteArray, root);
    const QByteArray doc = sample(file);
    const Parsed full = run(parser, doc);
    QVERIFY2(full.ok, qPrintable(full.error.message));
    QVERIFY2(full.problem.isEmpty(), qPrintable(full.problem));

    int accepted = 0;
    for (qsizetype length = 0; length < doc.size(); ++length) {
        const QByteArray cut = doc.left(length);
        const Parsed parsed = run(parser, cut);
        const QString where = QStringLiteral("%1 cut at %2: ").arg(file).arg(length);
        if (parsed.ok) {
            // Only a cut that leaves the whole document (trailing whitespace gone) may succeed,
            // and then with exactly the full result.
            QVERIFY2(cut.trimmed().endsWith("</" + root + ">"), qPrintable(where + QLatin1String("partial success")));
            QCOMPARE(parsed.fingerprint, full.fingerprint);
            ++accepted;
            continue;
        }
        QVERIFY2(parsed.error.kind == AwsErrorKind::MalformedResponse,
                 qPrintable(where + QString::number(int(parsed.error.kind)) + QLatin1Char(' ') + parsed.error.message));
        QVERIFY2(parsed.error.message.contains(QLatin1String("Cannot read the ")),
                 qPrintable(where + parsed.error.message));
        const QString leak = leakIn(parsed.error.message + parsed.error.userMessage(), full.secrets);
        QVERIFY2(leak.isEmpty(), qPrintable(where + QLatin1String("leaks ") + leak));
    }
    // Only the trailing newline(s) can go: at most a few cuts succeed.
    QVERIFY2(accepted <= 2, qPrintable(QString::number(accepted)));
}

void ResponseParserFuzzTest::randomMutations()
{
    QFETCH(Parser, parser);
    QFETCH(QString, file);
    const QByteArray doc = sample(file);
    const Parsed full = run(parser, doc);
    QVERIFY2(full.ok, qPrintable(full.error.message));

    const int iterations = fuzzIterations();
    const quint32 seed = 20240611u + quint32(qHash(file));
    QRandomGenerator random(seed);
    int succeeded = 0, failed = 0;
    for (int i = 0; i < iterations; ++i) {
        const QByteArray input = mutated(doc, random);
        const Parsed parsed = run(parser, input);
        const QString where
            = QStringLiteral("%1 seed %2 iteration %3: %4\n").arg(file).arg(seed).arg(i).arg(show(input));
        if (parsed.ok) {
            ++succeeded;
            QVERIFY2(parsed.problem.isEmpty(), qPrintable(where + parsed.problem));
            continue;
        }
        ++failed;
        QVERIFY2(parsed.error.isError(), qPrintable(where));
        QVERIFY2(!parsed.error.userMessage().isEmpty(), qPrintable(where));
        if (parsed.error.kind == AwsErrorKind::MalformedResponse)
            QVERIFY2(parsed.error.message.startsWith(QLatin1String("Cannot read the ")),
                     qPrintable(where + parsed.error.message));
        const QString leak = leakIn(parsed.error.message + parsed.error.userMessage(), full.secrets);
        QVERIFY2(leak.isEmpty(), qPrintable(where + QLatin1String("leaks ") + leak));
    }
    qInfo("%s: %d accepted, %d refused", qPrintable(file), succeeded, failed);
    // A fuzzer that only ever breaks the document, or never does, would test little.
    QVERIFY(succeeded > 0);
    QVERIFY(failed > iterations / 10);
}

void ResponseParserFuzzTest::errorBodies_truncatedAndMutated_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("status");
    for (const char *file :
         {"aws_s3_error_no_such_key.xml", "aws_s3_complete_multipart_error_200.xml", "synthetic_sts_error_mfa.xml",
          "synthetic_sts_error_access_denied.xml", "rgw_sts_error_access_denied.xml", "rgw_s3_error_no_such_bucket.xml",
          "synthetic_proxy_bad_gateway.html"})
        QTest::newRow(file) << QString::fromLatin1(file) << 403;
}

void ResponseParserFuzzTest::errorBodies_truncatedAndMutated()
{
    QFETCH(QString, file);
    QFETCH(int, status);
    const QByteArray doc = sample(file);
    const AwsError full = Http::parseErrorResponse(status, doc);

    for (qsizetype length = 0; length < doc.size(); ++length) {
        const AwsError cut = Http::parseErrorResponse(status, doc.left(length));
        const QString where = QStringLiteral("%1 cut at %2").arg(file).arg(length);
        QVERIFY2(cut.isError(), qPrintable(where));
        QCOMPARE(cut.httpStatus, status);
        // A value is all there or not there: never half a code, message or request id.
        QVERIFY2(cut.code.isEmpty() || cut.code == full.code, qPrintable(where + QLatin1Char(' ') + cut.code));
        QVERIFY2(cut.message.isEmpty() || cut.message == full.message,
                 qPrintable(where + QLatin1Char(' ') + cut.message));
        QVERIFY2(cut.requestId.isEmpty() || cut.requestId == full.requestId, qPrintable(where));
        if (cut.code.isEmpty())
            QCOMPARE(cut.kind, AwsError::kindFromCode(QString(), QString(), status));
    }

    QRandomGenerator random(7u + quint32(qHash(file)));
    for (int i = 0; i < fuzzIterations(); ++i) {
        const QByteArray input = mutated(doc, random);
        const AwsError error = Http::parseErrorResponse(status, input);
        const QString text = error.userMessage();
        QVERIFY2(error.isError() && !text.isEmpty() && !text.contains(QLatin1Char('\n')),
                 qPrintable(QStringLiteral("%1 iteration %2: %3").arg(file).arg(i).arg(show(input))));
        QCOMPARE(error.httpStatus, status);
    }
}

void ResponseParserFuzzTest::completeMultipartError_neverSucceeds()
{
    // 200 OK with <Error>: whatever is cut or mutated, never a completed upload.
    const QByteArray doc = sample(QStringLiteral("aws_s3_complete_multipart_error_200.xml"));
    for (qsizetype length = 0; length <= doc.size(); ++length) {
        const auto result = S3::parseCompleteMultipartResponse(doc.left(length));
        QVERIFY2(!result.ok(), qPrintable(QString::number(length)));
        QVERIFY2(result.error().kind == AwsErrorKind::MalformedResponse
                     || (result.error().kind == AwsErrorKind::ServiceError
                         && result.error().code == QLatin1String("InternalError")),
                 qPrintable(QString::number(length)));
    }
    QRandomGenerator random(424242u);
    for (int i = 0; i < fuzzIterations(); ++i) {
        const QByteArray input = mutated(doc, random);
        const auto result = S3::parseCompleteMultipartResponse(input);
        // A mutation can rename the root to the success element only with the whole
        // CompleteMultipartUploadResult spelled out, which three or four bytes cannot do.
        QVERIFY2(!result.ok(), qPrintable(show(input)));
    }
}

QTEST_GUILESS_MAIN(ResponseParserFuzzTest)
#include "response_parser_fuzz_test.moc"
