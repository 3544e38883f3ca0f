// Micro-benchmarks of the hot paths: SigV4 signing (signing key cached and not), payload SHA-256 against
// OpenSSL's raw EVP on the same buffer, the flexible checksums' CRCs (CRC32, CRC32C, CRC64NVME: what an upload
// over https computes instead of the SHA-256), parsing a 1,000-key ListObjectsV2 page, and the bucket browser's
// model appending 100k rows. Compare the hashing pair as a ratio; the rest are absolute figures.

#include "core/common/checksum.h"
#include "core/common/crypto.h"
#include "core/s3/s3_response_parser.h"
#include "core/sigv4/sigv4_signer.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "ui/browser/object_list_model.h"

#include <QCoreApplication>
#include <QDateTime>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

using namespace RoleDrop;

namespace {

const AwsCredentials credentials{QStringLiteral("AKIDEXAMPLE"), QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                 QStringLiteral("session-token-of-a-role"), QDateTime()};

SigV4::SigningRequest typicalPut()
{
    SigV4::SigningRequest request;
    request.method = "PUT";
    request.path = "/data/photos/2026/holiday picture 0001.jpg";
    request.query = {{"partNumber", "17"}, {"uploadId", "2~abcdefghijklmnopqrstuvwxyz0123456789"}};
    request.headers = {{"host", "127.0.0.1:7480"}, {"content-type", "image/jpeg"}, {"x-amz-meta-owner", "james"}};
    request.payloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    return request;
}

void SignRequestKeyCached(benchmark::State &state)
{
    SigV4::SigningKeyCache cache;
    const auto request = typicalPut();
    const auto options = SigV4::SigningOptions::forService(QStringLiteral("us-east-1"), QStringLiteral("s3"), QDateTime::currentDateTimeUtc());
    for (auto _ : state)
        benchmark::DoNotOptimize(SigV4::signRequest(credentials, options, request, &cache));
}
BENCHMARK(SignRequestKeyCached);

void SignRequestKeyDerived(benchmark::State &state)
{
    const auto request = typicalPut();
    const auto options = SigV4::SigningOptions::forService(QStringLiteral("us-east-1"), QStringLiteral("s3"), QDateTime::currentDateTimeUtc());
    for (auto _ : state)
        benchmark::DoNotOptimize(SigV4::signRequest(credentials, options, request, nullptr));
}
BENCHMARK(SignRequestKeyDerived);

const QByteArray &payload64MiB()
{
    static const QByteArray bytes(64 * 1024 * 1024, 'x');
    return bytes;
}

void PayloadSha256Stream(benchmark::State &state)
{
    const QByteArray &data = payload64MiB();
    for (auto _ : state) {
        Sha256Stream hash;
        // As a part streams from disk: 1 MiB at a time.
        for (qsizetype offset = 0; offset < data.size(); offset += 1 << 20)
            hash.update(data.constData() + offset, 1 << 20);
        benchmark::DoNotOptimize(hash.finish());
    }
    state.SetBytesProcessed(state.iterations() * data.size());
}
BENCHMARK(PayloadSha256Stream)->Unit(benchmark::kMillisecond);

void RawOpenSslSha256(benchmark::State &state)
{
    const QByteArray &data = payload64MiB();
    unsigned char digest[32];
    for (auto _ : state) {
        EVP_Digest(data.constData(), size_t(data.size()), digest, nullptr, EVP_sha256(), nullptr);
        benchmark::DoNotOptimize(digest);
    }
    state.SetBytesProcessed(state.iterations() * data.size());
}
BENCHMARK(RawOpenSslSha256)->Unit(benchmark::kMillisecond);

// As a part streams from disk: 1 MiB at a time. Arg: the ChecksumAlgorithm.
void PayloadCrc(benchmark::State &state)
{
    const auto algorithm = ChecksumAlgorithm(state.range(0));
    state.SetLabel(checksumAlgorithmName(algorithm).toStdString());
    const QByteArray &data = payload64MiB();
    for (auto _ : state) {
        ChecksumStream crc(algorithm);
        for (qsizetype offset = 0; offset < data.size(); offset += 1 << 20)
            crc.update(QByteArrayView(data.constData() + offset, 1 << 20));
        benchmark::DoNotOptimize(crc.value());
    }
    state.SetBytesProcessed(state.iterations() * data.size());
}
BENCHMARK(PayloadCrc)
    ->Arg(int(ChecksumAlgorithm::Crc32))
    ->Arg(int(ChecksumAlgorithm::Crc32c))
    ->Arg(int(ChecksumAlgorithm::Crc64Nvme))
    ->Unit(benchmark::kMillisecond);

QByteArray listingPage(int keys, int firstKey = 0)
{
    QByteArray xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Name>data</Name><Prefix>photos/</Prefix><KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys>"
                     "<IsTruncated>true</IsTruncated><NextContinuationToken>token</NextContinuationToken>";
    for (int i = firstKey; i < firstKey + keys; ++i)
        xml += "<Contents><Key>photos/picture%20" + QByteArray::number(i) + ".jpg</Key><LastModified>2026-11-23T10:02:07.000Z</LastModified>"
               "<ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag><Size>" + QByteArray::number(1000 + i) +
               "</Size><StorageClass>STANDARD</StorageClass></Contents>";
    return xml + "</ListBucketResult>";
}

void ParseListObjectsPage1000(benchmark::State &state)
{
    const QByteArray xml = listingPage(1000);
    for (auto _ : state)
        benchmark::DoNotOptimize(S3::parseListObjectsV2Response(xml, true));
}
BENCHMARK(ParseListObjectsPage1000)->Unit(benchmark::kMicrosecond);

void BrowserModelAppend100k(benchmark::State &state)
{
    QList<S3::ListObjectsPage> pages;
    for (int page = 0; page < 100; ++page)
        pages.append(S3::parseListObjectsV2Response(listingPage(1000, page * 1000), true).value());
    for (auto _ : state) {
        Ui::ObjectListModel model(nullptr);
        for (const S3::ListObjectsPage &page : pages)
            model.appendPage(page);
        benchmark::DoNotOptimize(model.rowCount());
    }
}
BENCHMARK(BrowserModelAppend100k)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
